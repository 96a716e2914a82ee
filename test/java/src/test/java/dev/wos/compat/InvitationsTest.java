package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.BadRequestException;
import com.workos.models.Invitation;
import com.workos.models.Organization;
import com.workos.types.InvitationState;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvitationsTest {
  private final WorkOS workos = Stack.client();

  @Test
  void sendFindListResendRevoke() {
    Organization org = workos.getOrganizations().create("Invites Java");
    String email = Stack.unique("invitee") + "@java-sdk.test";
    Invitation sent = workos.getUserManagement().sendInvitation(email, org.getId());
    assertTrue(sent.getId().startsWith("invitation_"));
    assertEquals(InvitationState.Pending, sent.getState());
    assertEquals(org.getId(), sent.getOrganizationId());
    assertFalse(sent.getToken().isEmpty());
    assertTrue(sent.getAcceptInvitationUrl().contains(sent.getToken()));

    assertEquals(sent.getId(), workos.getUserManagement().getInvitation(sent.getId()).getId());
    assertEquals(sent.getId(), workos.getUserManagement().findInvitationByToken(sent.getToken()).getId());
    List<Invitation> listed = workos.getUserManagement().listInvitations(null, null, null, null, org.getId()).data;
    assertEquals(List.of(sent.getId()), listed.stream().map(Invitation::getId).toList());

    Invitation resent = workos.getUserManagement().resendInvitation(sent.getId());
    assertEquals(InvitationState.Pending, resent.getState());

    Invitation revoked = workos.getUserManagement().revokeInvitation(sent.getId());
    assertEquals(InvitationState.Revoked, revoked.getState());
    assertNotNull(revoked.getRevokedAt());
    BadRequestException again = assertThrows(BadRequestException.class, () -> workos.getUserManagement().acceptInvitation(sent.getId()));
    assertEquals("invite_revoked", again.code);
  }

  @Test
  void acceptingMakesTheInviteeAMember() {
    Organization org = workos.getOrganizations().create("Accept Java");
    String email = Stack.unique("accept") + "@java-sdk.test";
    workos.getUserManagement().create(email);
    Invitation sent = workos.getUserManagement().sendInvitation(email, org.getId());
    Invitation accepted = workos.getUserManagement().acceptInvitation(sent.getId());
    assertEquals(InvitationState.Accepted, accepted.getState());
    assertNotNull(accepted.getAcceptedAt());
  }
}
