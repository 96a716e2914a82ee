package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.http.RequestOptions;
import com.workos.models.Connection;
import com.workos.models.Profile;
import com.workos.models.SSOTokenResponse;
import com.workos.sso.SSOAuthUrlsKt;
import com.workos.sso.SSOAuthorizationUrlOptions;
import com.workos.types.ConnectionState;
import com.workos.types.ConnectionStatus;
import com.workos.types.ConnectionType;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SSO against the test SAML IdP the node side started: the connection (OktaSAML, active) and the
 * IdP's user are fixtures; the sign-in itself runs here, over HTTP.
 */
class SsoTest {
  private final WorkOS workos = Stack.client();
  private final String connectionId = Stack.env("WOS_SSO_CONNECTION_ID");
  private final String organizationId = Stack.env("WOS_SSO_ORGANIZATION_ID");
  private final String email = Stack.env("WOS_SSO_EMAIL");

  private URI signIn(String state) throws Exception {
    String url = SSOAuthUrlsKt.getAuthorizationUrl(workos.getSso(),
        new SSOAuthorizationUrlOptions(Stack.REDIRECT_URI, null, null, connectionId, null, null, state));
    assertTrue(url.startsWith(Stack.BASE_URL + "/sso/authorize?"), url);
    return new Browser().signIn(url, Stack.REDIRECT_URI);
  }

  @Test
  void aSamlSignInThroughTheIdpThenGetProfileAndTokenAndGetProfile() throws Exception {
    URI landed = signIn("java-state");
    assertEquals("java-state", Browser.param(landed, "state"));
    String code = Browser.param(landed, "code");

    SSOTokenResponse token = workos.getSso().getProfileAndToken(code);
    Profile profile = token.getProfile();
    assertEquals(email, profile.getEmail());
    assertEquals(connectionId, profile.getConnectionId());
    assertEquals(organizationId, profile.getOrganizationId());
    assertEquals(ConnectionType.OktaSAML, profile.getConnectionType());
    assertTrue(profile.getId().startsWith("prof_"));
    assertTrue(token.getExpiresIn() > 0);

    // GET /sso/profile authenticates with the profile access token, not the API key.
    Profile again = workos.getSso().getProfile(RequestOptions.builder().apiKey(token.getAccessToken()).build());
    assertEquals(profile.getId(), again.getId());
  }

  @Test
  void aCodeIsGoodOnce() throws Exception {
    String code = Browser.param(signIn("once"), "code");
    workos.getSso().getProfileAndToken(code);
    // The SDK sends the same Idempotency-Key for the same code: the gateway must not replay the first answer.
    BadRequestException reused = assertThrows(BadRequestException.class, () -> workos.getSso().getProfileAndToken(code));
    assertTrue(reused.rawBody.contains("\"invalid_grant\""), reused.rawBody);
  }

  @Test
  void getAndListConnections() {
    Connection connection = workos.getSso().getConnection(connectionId);
    assertEquals(ConnectionState.Active, connection.getState());
    assertEquals(ConnectionStatus.Linked, connection.getStatus());
    assertEquals(organizationId, connection.getOrganizationId());
    List<Connection> byOrg = workos.getSso().listConnections(null, null, null, null, null, null, organizationId).data;
    assertEquals(List.of(connectionId), byOrg.stream().map(Connection::getId).toList());
  }
}
