package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.models.ClientApiTokenResponse;
import com.workos.models.UserCreateResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** `clientApi.createToken`: a short JWT for a member acting in an organization (the Connect fixture's member). */
class ClientApiTest {
  private final WorkOS workos = Stack.client();

  @Test
  void createTokenForAMemberOnly() throws Exception {
    String userId = Stack.env("WOS_CONNECT_USER_ID");
    String orgId = Stack.env("WOS_CONNECT_ORG_ID");
    ClientApiTokenResponse token = workos.getClientApi().createToken(orgId, userId);
    JWTClaimsSet claims = SignedJWT.parse(token.getToken()).getJWTClaimsSet();
    assertEquals(userId, claims.getSubject());
    assertEquals(orgId, claims.getStringClaim("org_id"));
    assertEquals(List.of("client_api"), claims.getAudience());
    assertTrue(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime() <= 600_000);

    UserCreateResponse outsider = workos.getUserManagement().create(Stack.unique("outsider") + "@java-sdk.test");
    UnprocessableEntityException refused = assertThrows(UnprocessableEntityException.class, () -> workos.getClientApi().createToken(orgId, outsider.getId()));
    assertEquals("organization_membership_required", refused.code);
    assertThrows(NotFoundException.class, () -> Stack.client(Stack.OTHER_API_KEY).getClientApi().createToken(orgId, userId));
  }
}
