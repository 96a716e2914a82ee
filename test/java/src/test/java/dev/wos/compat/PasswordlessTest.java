package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.models.Profile;
import com.workos.models.SSOTokenResponse;
import com.workos.passwordless.CreatePasswordlessSessionOptions;
import com.workos.passwordless.Passwordless;
import com.workos.passwordless.PasswordlessSession;
import com.workos.passwordless.SendSessionResponse;
import com.workos.types.ConnectionType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Magic Link: the link redirects with a code that `sso.getProfileAndToken` redeems, as with WorkOS. */
class PasswordlessTest {
  private final WorkOS workos = Stack.client();

  @Test
  void createSendFollowOnceAndExchangeTheCode() throws Exception {
    String email = Stack.unique("magic") + "@java-sdk.test";
    Passwordless passwordless = new Passwordless(workos);
    PasswordlessSession session = passwordless.createSession(new CreatePasswordlessSessionOptions(email, Stack.REDIRECT_URI, "java-state"));
    assertTrue(session.getId().startsWith("passwordless_session_"));
    assertEquals(email, session.getEmail());
    SendSessionResponse sent = passwordless.sendSession(session.getId());
    assertEquals(Boolean.TRUE, sent.getSuccess());

    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> followed = http.send(HttpRequest.newBuilder(URI.create(session.getLink())).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(302, followed.statusCode(), followed.body());
    URI landed = URI.create(followed.headers().firstValue("location").orElseThrow());
    assertEquals("java-state", Browser.param(landed, "state"));

    SSOTokenResponse token = workos.getSso().getProfileAndToken(Browser.param(landed, "code"));
    Profile profile = token.getProfile();
    assertEquals(email, profile.getEmail());
    assertEquals(ConnectionType.MagicLink, profile.getConnectionType());

    HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(session.getLink())).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, again.statusCode(), "a link works once");
  }
}
