package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.common.exceptions.NotFoundException;
import com.workos.models.AuthenticateResponse;
import com.workos.models.AuthorizedConnectApplicationListData;
import com.workos.models.DeviceAuthorizationResponse;
import com.workos.models.OrganizationAuthorizedConnectApplicationListData;
import com.workos.models.RadarChallenge;
import com.workos.models.RedirectUri;
import com.workos.models.UserCreateResponse;
import com.workos.usermanagement.CreateUserPassword;
import com.workos.usermanagement.DeviceFlowException;
import com.workos.usermanagement.DeviceFlowFailureReason;
import com.workos.usermanagement.DeviceFlowKt;
import com.workos.usermanagement.PollDeviceAuthorizationOptions;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device authorization grant (the verification page driven over HTTP as a person would),
 * authorized Connect applications, redirect URIs by ID and radar challenges.
 */
class DeviceAndApplicationsTest {
  private static final String PASSWORD = "correct horse battery staple 7";
  private final WorkOS workos = Stack.client();

  @Test
  void createDeviceThenTheUserAllowsItAndThePollerGetsTokens() throws Exception {
    UserCreateResponse user = workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), Stack.unique("device") + "@java-sdk.test", null, null, null, true);
    DeviceAuthorizationResponse device = workos.getUserManagement().createDevice(Stack.CLIENT_ID);
    assertTrue(device.getUserCode().matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}"), device.getUserCode());
    assertTrue(device.getVerificationUri().startsWith(Stack.BASE_URL + "/user_management/authorize/verify-device?client_id="));
    assertTrue(device.getVerificationUriComplete().contains("user_code=" + device.getUserCode()));
    assertEquals(300.0, device.getExpiresIn());
    assertEquals(5.0, device.getInterval());

    BadRequestException pending = assertThrows(BadRequestException.class, () -> workos.getUserManagement().authenticateWithDeviceCode(device.getDeviceCode()));
    assertEquals("authorization_pending", pending.code);
    BadRequestException slow = assertThrows(BadRequestException.class, () -> workos.getUserManagement().authenticateWithDeviceCode(device.getDeviceCode()));
    assertEquals("slow_down", slow.code);

    HttpResponse<String> done = new HostedPages().decideDevice(device.getVerificationUriComplete(), device.getUserCode(), user.getEmail(), PASSWORD, true);
    assertTrue(done.body().contains("Device connected"), done.body());
    AuthenticateResponse auth = DeviceFlowKt.pollDeviceAuthorization(workos.getUserManagement(), new PollDeviceAuthorizationOptions(device.getDeviceCode(), 10, 120));
    assertEquals(user.getId(), auth.getUser().getId());
    assertNotNull(auth.getRefreshToken());
    assertThrows(BadRequestException.class, () -> workos.getUserManagement().authenticateWithDeviceCode(device.getDeviceCode()), "tokens once");
  }

  @Test
  void aDeniedDeviceEndsThePollerWithAccessDenied() throws Exception {
    UserCreateResponse user = workos.getUserManagement().create(new CreateUserPassword.Plaintext(PASSWORD), Stack.unique("denier") + "@java-sdk.test", null, null, null, true);
    DeviceAuthorizationResponse device = workos.getUserManagement().createDevice(Stack.CLIENT_ID);
    HttpResponse<String> done = new HostedPages().decideDevice(device.getVerificationUriComplete(), device.getUserCode(), user.getEmail(), PASSWORD, false);
    assertTrue(done.body().contains("Device refused"), done.body());
    DeviceFlowException denied = assertThrows(DeviceFlowException.class,
        () -> DeviceFlowKt.pollDeviceAuthorization(workos.getUserManagement(), new PollDeviceAuthorizationOptions(device.getDeviceCode(), 1, 60)));
    assertEquals(DeviceFlowFailureReason.ACCESS_DENIED, denied.getReason());
    assertThrows(BadRequestException.class, () -> workos.getUserManagement().createDevice("client_01ZZZZZZZZZZZZZZZZZZZZZZZZ"));
  }

  @Test
  void authorizedApplicationsOfAUserAndOfAnOrganizationThenRevoked() {
    String userId = Stack.env("WOS_CONNECT_USER_ID");
    String appId = Stack.env("WOS_CONNECT_APP_ID");
    List<AuthorizedConnectApplicationListData> mine = workos.getUserManagement().listAuthorizedApplications(userId).data;
    assertEquals(1, mine.size());
    assertEquals("authorized_connect_application", mine.get(0).getObjectType());
    assertEquals(appId, mine.get(0).getApplication().getId());
    assertEquals(List.of("email", "openid"), mine.get(0).getGrantedScopes().stream().sorted().toList());
    List<OrganizationAuthorizedConnectApplicationListData> theirs = workos.getOrganizations().listAuthorizedApplications(Stack.env("WOS_CONNECT_ORG_ID")).data;
    assertEquals(List.of(userId), theirs.stream().map(OrganizationAuthorizedConnectApplicationListData::getUserId).toList());
    assertEquals(mine.get(0).getId(), theirs.get(0).getId());

    assertThrows(NotFoundException.class, () -> Stack.client(Stack.OTHER_API_KEY).getUserManagement().deleteAuthorizedApplication(userId, appId));
    workos.getUserManagement().deleteAuthorizedApplication(userId, appId);
    assertEquals(List.of(), workos.getUserManagement().listAuthorizedApplications(userId).data);
    assertThrows(NotFoundException.class, () -> workos.getUserManagement().deleteAuthorizedApplication(userId, appId));
  }

  @Test
  void deleteRedirectUrisByTheIdCreateGave() {
    String uri = "https://" + Stack.unique("java") + ".example.com/callback";
    RedirectUri created = workos.getUserManagement().createRedirectUri(uri);
    assertEquals(uri, created.getUri());
    assertTrue(created.getId().startsWith("redirect_uri_"));
    assertThrows(NotFoundException.class, () -> Stack.client(Stack.OTHER_API_KEY).getUserManagement().deleteRedirectUris(created.getId()));
    workos.getUserManagement().deleteRedirectUris(created.getId());
    assertTrue(workos.getUserManagement().listRedirectUris().data.stream().noneMatch(r -> r.getId().equals(created.getId())));
    assertThrows(NotFoundException.class, () -> workos.getUserManagement().deleteRedirectUris(created.getId()));
  }

  @Test
  void getRadarChallengeWithTheCodeThatWasMailed() throws Exception {
    WorkOS radarEnv = Stack.client(Stack.env("WOS_RADAR_API_KEY"));
    String id = Stack.env("WOS_RADAR_CHALLENGE_ID");
    RadarChallenge challenge = radarEnv.getUserManagement().getRadarChallenge(id);
    assertEquals(id, challenge.getId());
    assertEquals("radar_challenge", challenge.getObjectType());
    assertEquals("email", challenge.getType());
    assertEquals(Stack.env("WOS_RADAR_USER_ID"), challenge.getUserId());
    assertEquals(Stack.env("WOS_RADAR_EMAIL"), challenge.getEmail());
    assertEquals(AccountChangesTest.codeIn(AccountChangesTest.newestMailTo(challenge.getEmail())), challenge.getCode());
    assertThrows(NotFoundException.class, () -> workos.getUserManagement().getRadarChallenge(id), "another environment's challenge");
  }
}
