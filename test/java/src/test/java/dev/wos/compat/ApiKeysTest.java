package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.models.ApiKey;
import com.workos.models.ApiKeyValidationResponse;
import com.workos.models.Organization;
import com.workos.models.OrganizationApiKey;
import com.workos.models.OrganizationApiKeyWithValue;
import com.workos.models.UserApiKey;
import com.workos.models.UserApiKeyWithValue;
import com.workos.models.UserCreateResponse;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java SDK's `apiKeys` service and the user API-key methods of `userManagement`. */
class ApiKeysTest {
  private final WorkOS workos = Stack.client();

  @Test
  void organizationKeysCreateListValidateExpireAndDelete() {
    Organization org = workos.getOrganizations().create(Stack.unique("Keys Java"));
    OrganizationApiKeyWithValue created = workos.getApiKeys().createOrganizationApiKey(org.getId(), "java");
    assertTrue(created.getId().startsWith("api_key_"));
    assertTrue(created.getValue().startsWith("sk_ak_"));
    assertEquals("organization", created.getOwner().getType());
    assertEquals(org.getId(), created.getOwner().getId());
    assertNull(created.getExpiresAt());

    OffsetDateTime later = OffsetDateTime.now().plusDays(1).truncatedTo(ChronoUnit.MILLIS);
    OrganizationApiKeyWithValue expiring = workos.getApiKeys().createOrganizationApiKey(org.getId(), "expiring", null, later);
    assertEquals(later.toInstant(), expiring.getExpiresAt().toInstant());

    List<OrganizationApiKey> listed = workos.getApiKeys().listOrganizationApiKeys(org.getId()).data;
    assertEquals(List.of(created.getId(), expiring.getId()).stream().sorted().toList(), listed.stream().map(OrganizationApiKey::getId).sorted().toList());

    ApiKeyValidationResponse valid = workos.getApiKeys().createValidation(created.getValue());
    assertEquals(created.getId(), valid.getApiKey().getId());
    assertEquals(org.getId(), valid.getApiKey().getOwner().getId());
    assertNull(workos.getApiKeys().createValidation("sk_ak_" + "A".repeat(43)).getApiKey());

    ApiKey expired = workos.getApiKeys().createExpire(expiring.getId());
    assertNotNull(expired.getExpiresAt());
    assertNull(workos.getApiKeys().createValidation(expiring.getValue()).getApiKey());

    workos.getApiKeys().delete(created.getId());
    assertNull(workos.getApiKeys().createValidation(created.getValue()).getApiKey());
    assertThrows(NotFoundException.class, () -> workos.getApiKeys().delete(created.getId()));
  }

  @Test
  void userKeysNeedAnActiveMembership() {
    Organization org = workos.getOrganizations().create(Stack.unique("User keys Java"));
    UserCreateResponse user = workos.getUserManagement().create(Stack.unique("keys") + "@java-sdk.test");
    assertThrows(UnprocessableEntityException.class, () -> workos.getUserManagement().createApiKey(user.getId(), "none", org.getId()));
    workos.getOrganizationMembership().create(user.getId(), org.getId());

    UserApiKeyWithValue key = workos.getUserManagement().createApiKey(user.getId(), "java", org.getId());
    assertEquals("user", key.getOwner().getType());
    assertEquals(user.getId(), key.getOwner().getId());
    assertEquals(org.getId(), key.getOwner().getOrganizationId());
    List<UserApiKey> listed = workos.getUserManagement().listApiKeys(user.getId()).data;
    assertEquals(List.of(key.getId()), listed.stream().map(UserApiKey::getId).toList());
    assertEquals(user.getId(), workos.getApiKeys().createValidation(key.getValue()).getApiKey().getOwner().getId());
  }
}
