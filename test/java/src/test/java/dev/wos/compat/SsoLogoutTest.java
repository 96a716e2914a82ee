package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.models.SSOLogoutAuthorizeResponse;
import com.workos.sso.SSOAuthUrlsKt;
import com.workos.sso.SSOAuthorizationUrlOptions;
import com.workos.sso.SSOLogoutUrlOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** `sso.authorizeLogout` and `sso.getLogoutUrl`: RP-initiated logout through an OIDC connection (the fixture's). */
class SsoLogoutTest {
  private final WorkOS workos = Stack.client();

  @Test
  void aLogoutTokenSendsTheBrowserToTheIdpsEndSessionEndpoint() throws Exception {
    SSOLogoutAuthorizeResponse logout = workos.getSso().authorizeLogout(Stack.env("WOS_OIDC_PROFILE_ID"));
    String built = SSOAuthUrlsKt.getLogoutUrl(workos.getSso(), new SSOLogoutUrlOptions(logout.getLogoutToken()));
    assertTrue(built.startsWith(Stack.BASE_URL + "/sso/logout?token="), built);
    assertEquals(logout.getLogoutToken(), Browser.param(URI.create(built), "token"));
    assertEquals(logout.getLogoutToken(), Browser.param(URI.create(logout.getLogoutUrl()), "token"));

    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(built)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(302, res.statusCode(), res.body());
    URI target = URI.create(res.headers().firstValue("location").orElseThrow());
    assertEquals(Stack.env("WOS_OIDC_ISSUER") + "/session/end", target.getScheme() + "://" + target.getAuthority() + target.getPath());
    assertEquals("java-oidc", Browser.param(target, "client_id"));
  }

  @Test
  void aSamlProfileHasNoLogoutAndAnUnknownProfileIsNotFound() throws Exception {
    String url = SSOAuthUrlsKt.getAuthorizationUrl(workos.getSso(),
        new SSOAuthorizationUrlOptions(Stack.REDIRECT_URI, null, null, Stack.env("WOS_SSO_CONNECTION_ID"), null, null, "logout"));
    String code = Browser.param(new Browser().signIn(url, Stack.REDIRECT_URI), "code");
    String samlProfile = workos.getSso().getProfileAndToken(code).getProfile().getId();
    UnprocessableEntityException refused = assertThrows(UnprocessableEntityException.class, () -> workos.getSso().authorizeLogout(samlProfile));
    assertEquals("logout_not_supported", refused.code);
    assertThrows(NotFoundException.class, () -> workos.getSso().authorizeLogout("prof_01ZZZZZZZZZZZZZZZZZZZZZZZZ"));
    assertThrows(NotFoundException.class, () -> Stack.client(Stack.OTHER_API_KEY).getSso().authorizeLogout(Stack.env("WOS_OIDC_PROFILE_ID")));
  }
}
