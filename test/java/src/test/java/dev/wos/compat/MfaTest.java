package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.WorkOSGenericException;
import com.workos.models.AuthenticateResponse;
import com.workos.models.AuthenticationChallenge;
import com.workos.models.AuthenticationFactor;
import com.workos.models.AuthenticationFactorEnrolled;
import com.workos.models.User;
import com.workos.models.UserCreateResponse;
import com.workos.models.UserAuthenticationFactorEnrollResponse;
import com.workos.types.AuthenticationFactorsCreateRequestType;
import com.workos.usermanagement.CreateUserPassword;
import java.util.List;
import org.junit.jupiter.api.Test;

class MfaTest {
  private static final String PASSWORD = "correct horse battery staple 7";
  private final WorkOS workos = Stack.client();

  @Test
  void enrollChallengeVerifyAndDeleteAStandaloneTotpFactor() throws Exception {
    AuthenticationFactorEnrolled factor = workos.getMultiFactorAuth().enrollFactor(AuthenticationFactorsCreateRequestType.Totp, null, "Java Co", "ada@java-sdk.test");
    assertTrue(factor.getId().startsWith("auth_factor_"));
    assertEquals("Java Co", factor.getTotp().getIssuer());
    assertTrue(factor.getTotp().getUri().startsWith("otpauth://totp/"));
    // WorkOS sends a PNG data URL; ours is a text data URL of the otpauth URI (docs/compatibility.md).
    assertTrue(factor.getTotp().getQrCode().startsWith("data:"));
    AuthenticationFactor got = workos.getMultiFactorAuth().getFactor(factor.getId());
    assertEquals(factor.getId(), got.getId());

    AuthenticationChallenge challenge = workos.getMultiFactorAuth().challengeFactor(factor.getId());
    assertEquals(factor.getId(), challenge.getAuthenticationFactorId());
    assertFalse(workos.getMultiFactorAuth().verifyChallenge(challenge.getId(), wrong(Totp.now(factor.getTotp().getSecret()))).getValid());
    var verified = workos.getMultiFactorAuth().verifyChallenge(challenge.getId(), Totp.now(factor.getTotp().getSecret()));
    assertTrue(verified.getValid());
    assertEquals(challenge.getId(), verified.getChallenge().getId());

    workos.getMultiFactorAuth().deleteFactor(factor.getId());
    assertThrows(NotFoundException.class, () -> workos.getMultiFactorAuth().getFactor(factor.getId()));
  }

  @Test
  void aUserWithATotpFactorSignsInWithTheMfaChallenge() throws Exception {
    UserCreateResponse user = workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), Stack.unique("mfa") + "@java-sdk.test");
    UserAuthenticationFactorEnrollResponse enrolled = workos.getMultiFactorAuth().createUserAuthFactor(user.getId(), "totp");
    String secret = enrolled.getAuthenticationFactor().getTotp().getSecret();
    assertEquals(user.getId(), enrolled.getAuthenticationFactor().getUserId());
    List<AuthenticationFactor> factors = workos.getMultiFactorAuth().listUserAuthFactors(user.getId()).data;
    assertEquals(List.of(enrolled.getAuthenticationFactor().getId()), factors.stream().map(AuthenticationFactor::getId).toList());

    // The password alone is not enough: a 403 names the factor and carries a pending token.
    WorkOSGenericException mfa = assertThrows(WorkOSGenericException.class,
        () -> workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD));
    assertEquals(403, mfa.status);
    assertEquals("mfa_challenge", mfa.code);
    JsonNode body = new ObjectMapper().readTree(mfa.rawBody);
    String pending = body.path("pending_authentication_token").asText();
    assertEquals(enrolled.getAuthenticationFactor().getId(), body.path("authentication_factors").path(0).path("id").asText());

    AuthenticationChallenge challenge = workos.getMultiFactorAuth().challengeFactor(enrolled.getAuthenticationFactor().getId());
    BadRequestException bad = assertThrows(BadRequestException.class,
        () -> workos.getUserManagement().authenticateWithTotp(wrong(Totp.now(secret)), pending, challenge.getId()));
    assertEquals("invalid_one_time_code", bad.code);
    AuthenticateResponse auth = workos.getUserManagement().authenticateWithTotp(Totp.now(secret), pending, challenge.getId());
    assertEquals(user.getId(), auth.getUser().getId());
  }

  @Test
  void enrollingTwiceGivesTwoFactors() {
    UserCreateResponse user = workos.getUserManagement().create(Stack.unique("twofactors") + "@java-sdk.test");
    String first = workos.getMultiFactorAuth().createUserAuthFactor(user.getId(), "totp").getAuthenticationFactor().getId();
    String second = workos.getMultiFactorAuth().createUserAuthFactor(user.getId(), "totp").getAuthenticationFactor().getId();
    assertNotEquals(first, second);
    assertEquals(2, workos.getMultiFactorAuth().listUserAuthFactors(user.getId()).data.size());
  }

  private static String wrong(String code) {
    return code.equals("000000") ? "000001" : "000000";
  }
}
