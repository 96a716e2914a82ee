package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.models.Organization;
import com.workos.models.OrganizationMembership;
import com.workos.models.User;
import com.workos.models.UserCreateResponse;
import com.workos.organizationmembership.CreateUserRole;
import com.workos.types.OrganizationMembershipStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every membership model of the Java SDK requires the nested `user`. */
class MembershipsTest {
  private final WorkOS workos = Stack.client();

  @Test
  void createGetListUpdateDeactivateReactivateAndDelete() {
    Organization org = workos.getOrganizations().create("Members Java");
    UserCreateResponse user = workos.getUserManagement().create(Stack.unique("member") + "@java-sdk.test");

    OrganizationMembership created = workos.getOrganizationMembership().create(user.getId(), org.getId());
    assertTrue(created.getId().startsWith("om_"));
    assertEquals(OrganizationMembershipStatus.Active, created.getStatus());
    assertEquals("member", created.getRole().getSlug());
    assertEquals(user.getId(), created.getUser().getId());
    assertEquals(user.getEmail(), created.getUser().getEmail());
    assertFalse(created.getDirectoryManaged());

    assertEquals(created.getId(), workos.getOrganizationMembership().get(created.getId()).getId());
    List<OrganizationMembership> listed = workos.getOrganizationMembership().list(null, null, null, null, org.getId()).data;
    assertEquals(List.of(created.getId()), listed.stream().map(OrganizationMembership::getId).toList());
    assertEquals(user.getId(), listed.get(0).getUser().getId());

    OrganizationMembership admin = workos.getOrganizationMembership().update(created.getId(), new CreateUserRole.Single("admin"));
    assertEquals("admin", admin.getRole().getSlug());
    assertEquals(OrganizationMembershipStatus.Inactive, workos.getOrganizationMembership().deactivate(created.getId()).getStatus());
    assertEquals(OrganizationMembershipStatus.Active, workos.getOrganizationMembership().reactivate(created.getId()).getStatus());

    workos.getOrganizationMembership().delete(created.getId());
    assertThrows(NotFoundException.class, () -> workos.getOrganizationMembership().get(created.getId()));
  }
}
