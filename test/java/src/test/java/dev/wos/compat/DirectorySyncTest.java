package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.models.Directory;
import com.workos.models.DirectoryGroup;
import com.workos.models.DirectoryUserWithGroups;
import com.workos.types.DirectoryState;
import com.workos.types.DirectoryType;
import com.workos.types.DirectoryUserState;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A directory the node side provisioned through its SCIM server, as Okta would: two users,
 * one group holding both, and one of the users deactivated.
 */
class DirectorySyncTest {
  private final WorkOS workos = Stack.client();
  private final String directoryId = Stack.env("WOS_DIRECTORY_ID");
  private final String organizationId = Stack.env("WOS_DIRECTORY_ORGANIZATION_ID");

  @Test
  void listAndGetTheDirectory() {
    List<Directory> listed = workos.getDirectorySync().list(null, null, null, null, organizationId).data;
    assertEquals(List.of(directoryId), listed.stream().map(Directory::getId).toList());
    Directory directory = workos.getDirectorySync().get(directoryId);
    assertEquals(DirectoryType.OktaSCIMV20, directory.getType());
    assertEquals(DirectoryState.Linked, directory.getState(), "the first SCIM request linked it");
    assertEquals(organizationId, directory.getOrganizationId());
  }

  @Test
  void usersCarryTheirGroupsAndStates() {
    List<DirectoryUserWithGroups> users = workos.getDirectorySync().listUsers(null, null, null, null, directoryId).data;
    assertEquals(Set.of("jane@dsync-java.test", "john@dsync-java.test"), users.stream().map(DirectoryUserWithGroups::getEmail).collect(Collectors.toSet()));
    DirectoryUserWithGroups jane = users.stream().filter(u -> u.getEmail().startsWith("jane")).findFirst().orElseThrow();
    DirectoryUserWithGroups john = users.stream().filter(u -> u.getEmail().startsWith("john")).findFirst().orElseThrow();
    assertEquals(DirectoryUserState.Active, jane.getState());
    assertEquals(DirectoryUserState.Inactive, john.getState());
    assertEquals("Jane", jane.getFirstName());
    assertEquals(List.of("Engineering"), jane.getGroups().stream().map(DirectoryGroup::getName).toList());
    assertEquals(jane, workos.getDirectorySync().getUser(jane.getId()));
  }

  @Test
  void groupsAndTheirMembers() {
    List<DirectoryGroup> groups = workos.getDirectorySync().listGroups(null, null, null, null, directoryId).data;
    assertEquals(List.of("Engineering"), groups.stream().map(DirectoryGroup::getName).toList());
    DirectoryGroup engineering = groups.get(0);
    assertEquals(engineering.getId(), workos.getDirectorySync().getGroup(engineering.getId()).getId());
    List<DirectoryUserWithGroups> members = workos.getDirectorySync().listUsers(null, null, null, null, null, engineering.getId()).data;
    assertEquals(2, members.size());
    assertThrows(NotFoundException.class, () -> workos.getDirectorySync().getGroup("directory_group_01ARZ3NDEKTSV4RRFFQ69G5FAV"));
  }
}
