package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.models.AuditLogAction;
import com.workos.models.AuditLogConfiguration;
import com.workos.models.AuditLogSchemaTarget;
import com.workos.models.Organization;
import com.workos.types.AuditLogConfigurationLogStreamState;
import com.workos.types.AuditLogConfigurationLogStreamType;
import com.workos.types.AuditLogConfigurationState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `auditLogs.listActions` and `organizations.getAuditLogConfiguration`. */
class AuditLogConfigurationTest {
  private final WorkOS workos = Stack.client();

  @Test
  void listActionsGivesEachActionWithItsLatestSchema() {
    String action = Stack.unique("invoice") + ".paid";
    workos.getAuditLogs().createSchema(action, List.of(new AuditLogSchemaTarget("invoice", null)));
    workos.getAuditLogs().createSchema(action, List.of(new AuditLogSchemaTarget("invoice", null), new AuditLogSchemaTarget("user", null)));
    List<AuditLogAction> actions = workos.getAuditLogs().listActions(null, null, 100, null).data;
    AuditLogAction found = actions.stream().filter(a -> a.getName().equals(action)).findFirst().orElseThrow();
    assertEquals("audit_log_action", found.getObjectType());
    assertEquals(2L, found.getSchema().getVersion());
    assertEquals(List.of("invoice", "user"), found.getSchema().getTargets().stream().map(AuditLogSchemaTarget::getType).toList());
    assertFalse(found.getUpdatedAt().isBefore(found.getCreatedAt()));
    assertTrue(Stack.client(Stack.OTHER_API_KEY).getAuditLogs().listActions().data.stream().noneMatch(a -> a.getName().equals(action)), "per environment");
    assertThrows(UnprocessableEntityException.class, () -> workos.getAuditLogs().listActions(null, null, 1000, null));
  }

  @Test
  void theConfigurationOfAnOrganizationWithAndWithoutALogStream() {
    Organization plain = workos.getOrganizations().create(Stack.unique("Audit plain"));
    AuditLogConfiguration config = workos.getOrganizations().getAuditLogConfiguration(plain.getId());
    assertEquals(plain.getId(), config.getOrganizationId());
    assertEquals(365L, config.getRetentionPeriodInDays());
    assertEquals(AuditLogConfigurationState.Active, config.getState());
    assertNull(config.getLogStream());

    AuditLogConfiguration streamed = workos.getOrganizations().getAuditLogConfiguration(Stack.env("WOS_LOG_STREAM_ORG_ID"));
    assertNotNull(streamed.getLogStream());
    assertEquals(Stack.env("WOS_LOG_STREAM_ID"), streamed.getLogStream().getId());
    assertEquals(AuditLogConfigurationLogStreamType.GenericHttps, streamed.getLogStream().getType());
    assertEquals(AuditLogConfigurationLogStreamState.Inactive, streamed.getLogStream().getState(), "the fixture paused it");
    assertNull(streamed.getLogStream().getLastSyncedAt());

    assertThrows(NotFoundException.class, () -> workos.getOrganizations().getAuditLogConfiguration("not-an-organization"));
  }
}
