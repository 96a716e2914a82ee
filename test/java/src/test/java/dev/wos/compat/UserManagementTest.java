package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.NotFoundException;
import com.workos.models.AuthenticateResponse;
import com.workos.models.JwksResponseKeys;
import com.workos.models.User;
import com.workos.models.UserCreateResponse;
import com.workos.session.AuthenticateSessionResult;
import com.workos.session.RefreshSessionResult;
import com.workos.session.Session;
import com.workos.session.SessionKt;
import com.workos.usermanagement.CreateUserPassword;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserManagementTest {
  private static final String PASSWORD = "correct horse battery staple 7";
  private static final String COOKIE_PASSWORD = "a cookie password of at least 32 chars!";
  private final WorkOS workos = Stack.client();

  private UserCreateResponse newUser(String label) {
    String email = Stack.unique(label) + "@java-sdk.test";
    return workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), email, "Ada", "Lovelace");
  }

  @Test
  void createGetListUpdateAndDeleteAUser() {
    String externalId = Stack.unique("ext");
    UserCreateResponse created = workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), Stack.unique("crud") + "@java-sdk.test",
        "Ada", "Lovelace", null, true, Map.of("plan", "pro"), externalId);
    assertTrue(created.getId().startsWith("user_"));
    assertTrue(created.getEmailVerified());
    assertEquals(Map.of("plan", "pro"), created.getMetadata());

    assertEquals(created.getId(), workos.getUserManagement().get(created.getId()).getId());
    assertEquals(created.getId(), workos.getUserManagement().getByExternalId(externalId).getId());
    List<User> byEmail = workos.getUserManagement().list(null, null, null, null, null, null, created.getEmail()).data;
    assertEquals(List.of(created.getId()), byEmail.stream().map(User::getId).toList());

    User renamed = workos.getUserManagement().update(created.getId(), null, null, "Augusta");
    assertEquals("Augusta", renamed.getFirstName());
    assertEquals("Lovelace", renamed.getLastName());

    workos.getUserManagement().delete(created.getId());
    assertThrows(NotFoundException.class, () -> workos.getUserManagement().get(created.getId()));
  }

  @Test
  void passwordSignInGivesAnAccessTokenSignedByAKeyOfTheJwks() throws Exception {
    UserCreateResponse user = newUser("signin");
    AuthenticateResponse auth = workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
    assertEquals(user.getId(), auth.getUser().getId());
    assertNotNull(auth.getUser().getLastSignInAt());
    assertFalse(auth.getRefreshToken().isEmpty());

    SignedJWT jwt = SignedJWT.parse(auth.getAccessToken());
    assertEquals(user.getId(), jwt.getJWTClaimsSet().getSubject());
    assertTrue(jwt.getJWTClaimsSet().getStringClaim("sid").startsWith("session_"));

    List<JwksResponseKeys> keys = workos.getUserManagement().getJwks(Stack.CLIENT_ID).getKeys();
    JwksResponseKeys key = keys.stream().filter(k -> k.getKid().equals(jwt.getHeader().getKeyID())).findFirst().orElseThrow();
    RSAKey rsa = JWK.parse(Map.of("kty", key.getKty(), "kid", key.getKid(), "n", key.getN(), "e", key.getE())).toRSAKey();
    assertTrue(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(rsa)), "the access token verifies with its JWKS key");
    // x5c carries a certificate of the same key, and x5t#S256 is its thumbprint.
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(key.getX5C().get(0))));
    assertEquals(rsa.toRSAPublicKey().getModulus(), ((RSAPublicKey) cert.getPublicKey()).getModulus());
    byte[] thumb = java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(thumb), key.getX5TS256());
  }

  @Test
  void refreshRotatesTheRefreshToken() {
    UserCreateResponse user = newUser("refresh");
    AuthenticateResponse first = workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
    AuthenticateResponse second = workos.getUserManagement().authenticateWithRefreshToken(first.getRefreshToken());
    assertEquals(user.getId(), second.getUser().getId());
    assertNotEquals(first.getRefreshToken(), second.getRefreshToken());
    AuthenticateResponse third = workos.getUserManagement().authenticateWithRefreshToken(second.getRefreshToken());
    assertNotEquals(second.getRefreshToken(), third.getRefreshToken());
  }

  @Test
  void theSdkSessionHelpersSealVerifyAgainstTheJwksAndRefresh() {
    UserCreateResponse user = newUser("session");
    AuthenticateResponse auth = workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
    Session session = SessionKt.getSession(workos);
    String cookie = session.sealAuthResponse(auth, COOKIE_PASSWORD);

    AuthenticateSessionResult result = session.authenticateWithSessionCookie(cookie, COOKIE_PASSWORD);
    assertTrue(result instanceof AuthenticateSessionResult.Success, "JWKS verification through the SDK: " + result);
    assertEquals(user.getId(), ((AuthenticateSessionResult.Success) result).getUser().getId());

    RefreshSessionResult refreshed = session.refreshSession(cookie, COOKIE_PASSWORD);
    assertTrue(refreshed instanceof RefreshSessionResult.Success, "refresh through the SDK: " + refreshed);
    assertEquals(((AuthenticateSessionResult.Success) result).getSessionId(), ((RefreshSessionResult.Success) refreshed).getSessionId());
  }

  @Test
  void aWrongPasswordIsInvalidCredentials() {
    UserCreateResponse user = newUser("wrong");
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> workos.getUserManagement().authenticateWithPassword(user.getEmail(), "not the password"));
    assertEquals("invalid_credentials", e.code);
  }

  @Test
  void twoIdenticalSignInsStartTwoSessions() throws Exception {
    // The SDK sends Idempotency-Key: retry-<sha256 of the request> on every POST, so both calls carry the same key.
    UserCreateResponse user = newUser("twice");
    AuthenticateResponse a = workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
    AuthenticateResponse b = workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
    assertNotEquals(a.getRefreshToken(), b.getRefreshToken());
    assertNotEquals(SignedJWT.parse(a.getAccessToken()).getJWTClaimsSet().getStringClaim("sid"),
        SignedJWT.parse(b.getAccessToken()).getJWTClaimsSet().getStringClaim("sid"));
    // Both refresh tokens are live.
    workos.getUserManagement().authenticateWithRefreshToken(a.getRefreshToken());
    workos.getUserManagement().authenticateWithRefreshToken(b.getRefreshToken());
  }
}
