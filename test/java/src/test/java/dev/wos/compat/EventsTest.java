package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.models.EventSchema;
import com.workos.models.Organization;
import com.workos.models.OrganizationCreated;
import com.workos.models.OrganizationUpdated;
import com.workos.models.WorkOSEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Runs after every other class, so the environment holds the events of all of them. */
@Order(Integer.MAX_VALUE)
class EventsTest {
  /** Every event type the platform emits (libs/contracts/src/events). */
  static final List<String> ALL_TYPES = List.of(
      "authentication.email_verification_failed", "authentication.email_verification_succeeded", "authentication.magic_auth_failed",
      "authentication.magic_auth_succeeded", "authentication.mfa_failed", "authentication.mfa_succeeded", "authentication.password_failed",
      "authentication.password_succeeded", "authentication.sso_failed", "authentication.sso_succeeded", "connection.activated",
      "connection.deactivated", "connection.deleted", "dsync.activated", "dsync.deleted", "dsync.group.created", "dsync.group.deleted",
      "dsync.group.updated", "dsync.group.user_added", "dsync.group.user_removed", "dsync.token.created", "dsync.token.revoked",
      "dsync.user.created", "dsync.user.deleted", "dsync.user.updated", "email_verification.created", "invitation.accepted",
      "invitation.created", "invitation.resent", "invitation.revoked", "magic_auth.created", "organization.created", "organization.deleted",
      "organization.updated", "organization_domain.created", "organization_domain.deleted", "organization_domain.updated",
      "organization_domain.verification_failed", "organization_domain.verified", "organization_membership.created",
      "organization_membership.deleted", "organization_membership.updated", "password_reset.created", "password_reset.succeeded",
      "session.created", "session.revoked", "user.created", "user.deleted", "user.updated");

  private final WorkOS workos = Stack.client();

  @Test
  void theSdksEventsListStillFailsOnTypedEvents() throws Exception {
    Organization org = workos.getOrganizations().create(Stack.unique("Evented"));
    Stack.waitFor("organization.created of " + org.getId(), Duration.ofSeconds(60),
        () -> Events.all(workos, List.of("organization.created"), org.getId()).isEmpty() ? null : true);
    // When this stops throwing, the SDK is fixed: update docs/compatibility.md (issue 21 item 6).
    Exception e = assertThrows(Exception.class, () -> workos.getEvents().list(List.of("organization.created")));
    assertTrue(String.valueOf(e.getMessage()).contains("Could not resolve type id 'organization.created'"), e.toString());
  }

  @Test
  void theRawListCallGivesTypedEventsFilteredByOrganization() throws Exception {
    Organization org = workos.getOrganizations().create(Stack.unique("Typed"));
    workos.getOrganizations().update(org.getId(), "Typed and renamed");
    List<WorkOSEvent> events = Stack.waitFor("two events of " + org.getId(), Duration.ofSeconds(60), () -> {
      List<WorkOSEvent> all = Events.all(workos, List.of("organization.created", "organization.updated"), org.getId());
      return all.size() == 2 ? all : null;
    });
    Set<String> types = events.stream().map(WorkOSEvent::getEvent).collect(Collectors.toSet());
    assertEquals(Set.of("organization.created", "organization.updated"), types);
    OrganizationCreated created = events.stream().filter(OrganizationCreated.class::isInstance).map(OrganizationCreated.class::cast).findFirst().orElseThrow();
    assertEquals(org.getId(), created.getData().getId());
    OrganizationUpdated updated = events.stream().filter(OrganizationUpdated.class::isInstance).map(OrganizationUpdated.class::cast).findFirst().orElseThrow();
    assertEquals("Typed and renamed", updated.getData().getName());
  }

  /** connection.activated and .deactivated need the legacy `status` too. */
  static final List<String> CONNECTION_TYPES = List.of("connection.activated", "connection.deactivated", "connection.deleted");

  /**
   * Produced only by the email-verification grant, which needs REQUIRE_EMAIL_VERIFICATION (a
   * different stack; identity-flows.sdk.spec.ts covers it). Same payload schema as
   * authentication.password_*, which are checked.
   */
  static final List<String> NOT_PRODUCED_HERE = List.of("authentication.email_verification_failed", "authentication.email_verification_succeeded");

  @Test
  void everyStoredEventIsReadIntoTheSdksTypedModel() {
    List<String> types = ALL_TYPES.stream().filter(t -> !CONNECTION_TYPES.contains(t) && !NOT_PRODUCED_HERE.contains(t)).toList();
    assertEquals(Map.of(), unreadable(types), "event types whose payload the SDK cannot read");
  }

  @Test
  void connectionEventsAreReadIntoTheSdksTypedModel() {
    assertEquals(Map.of(), unreadable(CONNECTION_TYPES), "connection event types whose payload the SDK cannot read");
  }

  /** Reads every stored event of these types into WorkOSEvent, one by one; the failures by type. */
  private Map<String, String> unreadable(List<String> types) {
    // Each item on its own, so one bad payload names its type instead of failing the page.
    var raw = workos.baseClient.requestJson(new com.workos.common.http.RequestConfig("GET", "/events",
        List.of(new kotlin.Pair<>("events", String.join(",", types)), new kotlin.Pair<>("limit", "100"))));
    Map<String, String> failures = new LinkedHashMap<>();
    List<String> seen = new ArrayList<>();
    for (var pageNode = raw; ; ) {
      for (var item : pageNode.path("data")) {
        String type = item.path("event").asText();
        seen.add(type);
        try {
          WorkOSEvent typed = workos.baseClient.objectMapper.treeToValue(item, WorkOSEvent.class);
          if (typed instanceof EventSchema) failures.putIfAbsent(type, "the SDK has no typed model for it");
        } catch (Exception e) {
          failures.putIfAbsent(type, e.getMessage().split("\n")[0]);
        }
      }
      String after = pageNode.path("list_metadata").path("after").asText(null);
      if (after == null || pageNode.path("data").size() < 100) break;
      pageNode = workos.baseClient.requestJson(new com.workos.common.http.RequestConfig("GET", "/events",
          List.of(new kotlin.Pair<>("events", String.join(",", types)), new kotlin.Pair<>("limit", "100"), new kotlin.Pair<>("after", after))));
    }
    // Every type must have been produced by the suite and its fixtures, or this proves nothing about it.
    List<String> missing = types.stream().filter(t -> !seen.contains(t)).toList();
    if (!missing.isEmpty()) failures.put("(never produced)", String.join(", ", missing));
    return failures;
  }
}
