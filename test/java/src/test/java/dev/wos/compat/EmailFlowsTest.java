package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.models.AuthenticateResponse;
import com.workos.models.EmailVerification;
import com.workos.models.EmailVerificationCreated;
import com.workos.models.MagicAuthSendMagicAuthCodeAndReturnResponse;
import com.workos.models.PasswordReset;
import com.workos.models.UserCreateResponse;
import com.workos.models.SessionCreatedData;
import com.workos.types.UserSessionsStatus;
import com.workos.usermanagement.CreateUserPassword;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Password reset, magic auth, email verification and sessions, each as an app drives them. */
class EmailFlowsTest {
  private static final String PASSWORD = "correct horse battery staple 7";
  private final WorkOS workos = Stack.client();

  private UserCreateResponse newUser(String label) {
    return workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), Stack.unique(label) + "@java-sdk.test");
  }

  @Test
  void passwordResetThenSignInWithTheNewPassword() {
    UserCreateResponse user = newUser("reset");
    PasswordReset reset = workos.getUserManagement().resetPassword(user.getEmail());
    assertEquals(user.getId(), reset.getUserId());
    assertTrue(reset.getPasswordResetUrl().contains(reset.getPasswordResetToken()));
    assertEquals(reset.getId(), workos.getUserManagement().getPasswordReset(reset.getId()).getId());

    String fresh = "a brand new password 8";
    assertEquals(user.getId(), workos.getUserManagement().confirmPasswordReset(reset.getPasswordResetToken(), fresh).getUser().getId());
    assertEquals(user.getId(), workos.getUserManagement().authenticateWithPassword(user.getEmail(), fresh).getUser().getId());
  }

  @Test
  void magicAuthCodeSignsIn() {
    UserCreateResponse user = newUser("magic");
    MagicAuthSendMagicAuthCodeAndReturnResponse magic = workos.getUserManagement().createMagicAuth(user.getEmail());
    assertEquals(user.getId(), magic.getUserId());
    assertEquals(magic.getCode(), workos.getUserManagement().getMagicAuth(magic.getId()).getCode());
    String wrong = magic.getCode().equals("000000") ? "000001" : "000000";
    assertThrows(BadRequestException.class, () -> workos.getUserManagement().authenticateWithMagicAuth(wrong, user.getEmail()));
    AuthenticateResponse auth = workos.getUserManagement().authenticateWithMagicAuth(magic.getCode(), user.getEmail());
    assertEquals(user.getId(), auth.getUser().getId());
  }

  @Test
  void emailVerificationWithTheCodeFromGetEmailVerification() throws Exception {
    UserCreateResponse user = newUser("verify");
    assertEquals(user.getId(), workos.getUserManagement().sendVerificationEmail(user.getId()).getUser().getId());
    // The verification's ID reaches the app through the email_verification.created event.
    EmailVerificationCreated created = Stack.waitFor("email_verification.created", Duration.ofSeconds(60), () ->
        Events.all(workos, List.of("email_verification.created"), null).stream()
            .map(EmailVerificationCreated.class::cast)
            .filter(e -> e.getData().getUserId().equals(user.getId())).findFirst().orElse(null));
    EmailVerification verification = workos.getUserManagement().getEmailVerification(created.getData().getId());
    assertTrue(workos.getUserManagement().verifyEmail(user.getId(), verification.getCode()).getUser().getEmailVerified());
  }

  @Test
  void listAndRevokeSessions() {
    UserCreateResponse user = newUser("sessions");
    workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
    List<SessionCreatedData> sessions = workos.getUserManagement().listSessions(user.getId()).data;
    assertEquals(1, sessions.size());
    assertEquals(UserSessionsStatus.Active, sessions.get(0).getStatus());
    workos.getUserManagement().revokeSession(sessions.get(0).getId());
    assertEquals(UserSessionsStatus.Revoked, workos.getUserManagement().listSessions(user.getId()).data.get(0).getStatus());
  }
}
