package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.common.exceptions.WorkOSGenericException;
import com.workos.models.AuthenticateResponse;
import com.workos.models.EmailChange;
import com.workos.models.EmailChangeConfirmation;
import com.workos.models.JWTTemplateResponse;
import com.workos.models.UserCreateResponse;
import com.workos.usermanagement.CreateUserPassword;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Email change (code to the new address) and the environment's JWT template, as an app drives them. */
class AccountChangesTest {
  private static final String PASSWORD = "correct horse battery staple 7";
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private final WorkOS workos = Stack.client();

  private UserCreateResponse newUser(String label) {
    return workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), Stack.unique(label) + "@java-sdk.test", "Ada", "Lovelace", null, true);
  }

  /** The newest email to `to` in the development inbox (the stack runs identity without SMTP). */
  static String newestMailTo(String to) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    return Stack.waitFor("an email to " + to, Duration.ofSeconds(30), () -> {
      try {
        String url = Stack.BASE_URL + "/dev/mail/messages?to=" + URLEncoder.encode(to, StandardCharsets.UTF_8);
        JsonNode data = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body()).path("data");
        return data.size() > 0 ? data.get(0).path("text").asText() : null;
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  static String codeIn(String text) {
    Matcher m = CODE.matcher(text);
    assertTrue(m.find(), text);
    return m.group(1);
  }

  @Test
  void sendEmailChangeMailsTheNewAddressAndConfirmEmailChangeSwitchesIt() throws Exception {
    UserCreateResponse user = newUser("mover");
    String to = Stack.unique("moved") + "@java-sdk.test";
    EmailChange change = workos.getUserManagement().sendEmailChange(user.getId(), to);
    assertEquals("email_change", change.getObjectType());
    assertEquals(to, change.getNewEmail());
    assertEquals(user.getId(), change.getUser().getId());
    assertEquals(user.getEmail(), change.getUser().getEmail(), "unchanged until confirmed");
    assertTrue(change.getExpiresAt().isAfter(OffsetDateTime.now()));

    String code = codeIn(newestMailTo(to));
    String wrong = code.equals("000000") ? "111111" : "000000";
    BadRequestException refused = assertThrows(BadRequestException.class, () -> workos.getUserManagement().confirmEmailChange(user.getId(), wrong));
    assertEquals("email_change_code_invalid", refused.code);
    EmailChangeConfirmation done = workos.getUserManagement().confirmEmailChange(user.getId(), code);
    assertEquals("email_change_confirmation", done.getObjectType());
    assertEquals(to, done.getUser().getEmail());
    assertTrue(done.getUser().getEmailVerified());
    assertEquals(user.getId(), workos.getUserManagement().authenticateWithPassword(to, PASSWORD).getUser().getId());
    assertThrows(BadRequestException.class, () -> workos.getUserManagement().confirmEmailChange(user.getId(), code), "a code works once");
  }

  @Test
  void emailChangeRefusals() {
    UserCreateResponse user = newUser("stayer");
    UserCreateResponse other = newUser("taken");
    assertThrows(UnprocessableEntityException.class, () -> workos.getUserManagement().sendEmailChange(user.getId(), "not an email"));
    assertThrows(UnprocessableEntityException.class, () -> workos.getUserManagement().sendEmailChange(user.getId(), user.getEmail()));
    WorkOSGenericException taken = assertThrows(WorkOSGenericException.class, () -> workos.getUserManagement().sendEmailChange(user.getId(), other.getEmail()));
    assertEquals(409, taken.status);
    assertThrows(NotFoundException.class, () -> workos.getUserManagement().sendEmailChange("user_01ZZZZZZZZZZZZZZZZZZZZZZZZ", "x@java-sdk.test"));
    assertThrows(BadRequestException.class, () -> workos.getUserManagement().confirmEmailChange(user.getId(), "123456"), "no change was started");
  }

  @Test
  void aJwtTemplateAddsClaimsToAccessTokensAndRefusesReservedOnes() throws Exception {
    String content = "{\"urn:java:email\": {{ user.email }}, \"urn:java:name\": \"{{ user.first_name }} {{ user.last_name }}\", \"urn:java:tier\": {{ organization.metadata.tier || 'free' }}}";
    try {
      JWTTemplateResponse saved = workos.getUserManagement().updateJWTTemplate(content);
      assertEquals("jwt_template", saved.getObjectType());
      assertEquals(content, saved.getContent());
      assertEquals(content, workos.getUserManagement().listJWTTemplate().getContent());

      UserCreateResponse user = newUser("templated");
      AuthenticateResponse auth = workos.getUserManagement().authenticateWithPassword(user.getEmail(), PASSWORD);
      Map<String, Object> claims = SignedJWT.parse(auth.getAccessToken()).getJWTClaimsSet().getClaims();
      assertEquals(user.getEmail(), claims.get("urn:java:email"));
      assertEquals("Ada Lovelace", claims.get("urn:java:name"));
      assertEquals("free", claims.get("urn:java:tier"));
      assertEquals(user.getId(), claims.get("sub"));

      UnprocessableEntityException reserved = assertThrows(UnprocessableEntityException.class, () -> workos.getUserManagement().updateJWTTemplate("{\"sub\": {{ user.email }}}"));
      assertEquals("invalid_request_parameters", reserved.code);
      assertThrows(UnprocessableEntityException.class, () -> workos.getUserManagement().updateJWTTemplate("{\"a\": {{ user.email }"));
      assertEquals(content, workos.getUserManagement().listJWTTemplate().getContent(), "a refused template changes nothing");
    } finally {
      // Other classes read access tokens of this environment: no custom claims for them.
      workos.getUserManagement().updateJWTTemplate("{}");
    }
    assertThrows(NotFoundException.class, () -> Stack.client(Stack.OTHER_API_KEY).getUserManagement().listJWTTemplate(), "another environment has none");
  }
}
