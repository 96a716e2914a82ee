package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnauthorizedException;
import com.workos.models.Organization;
import com.workos.models.User;
import com.workos.models.UserCreateResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A second environment's API key neither sees nor changes the first environment's objects. */
class IsolationTest {
  private final WorkOS mine = Stack.client();
  private final WorkOS other = Stack.client(Stack.OTHER_API_KEY);

  @Test
  void anotherEnvironmentsKeySeesNothingOfThisOne() throws Exception {
    Organization org = mine.getOrganizations().create(Stack.unique("Private"));
    UserCreateResponse user = mine.getUserManagement().create(Stack.unique("private") + "@java-sdk.test");

    assertThrows(NotFoundException.class, () -> other.getOrganizations().get(org.getId()));
    assertThrows(NotFoundException.class, () -> other.getOrganizations().delete(org.getId()));
    assertThrows(NotFoundException.class, () -> other.getOrganizations().update(org.getId(), "Hijacked"));
    assertTrue(other.getOrganizations().list().data.stream().noneMatch(o -> o.getId().equals(org.getId())));
    assertThrows(NotFoundException.class, () -> other.getUserManagement().get(user.getId()));
    assertTrue(other.getUserManagement().list(null, null, null, null, null, null, user.getEmail()).data.isEmpty());
    assertThrows(NotFoundException.class, () -> other.getSso().getConnection(Stack.env("WOS_SSO_CONNECTION_ID")));
    assertThrows(NotFoundException.class, () -> other.getDirectorySync().get(Stack.env("WOS_DIRECTORY_ID")));
    assertTrue(other.getDirectorySync().listUsers(null, null, null, null, Stack.env("WOS_DIRECTORY_ID")).data.isEmpty());
    assertTrue(other.getWebhooks().listEndpoints().data.isEmpty());

    // The organization is unchanged, and its event is only in its own environment.
    assertEquals(org.getName(), mine.getOrganizations().get(org.getId()).getName());
    Stack.waitFor("organization.created in this environment", Duration.ofSeconds(60),
        () -> Events.all(mine, List.of("organization.created"), org.getId()).isEmpty() ? null : true);
    assertTrue(Events.all(other, List.of("organization.created"), org.getId()).isEmpty());
  }

  @Test
  void anUnknownKeyIsUnauthorized() {
    WorkOS stranger = Stack.client("sk_test_" + "x".repeat(40));
    assertThrows(UnauthorizedException.class, () -> stranger.getOrganizations().list());
  }
}
