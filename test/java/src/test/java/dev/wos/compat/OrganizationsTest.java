package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.common.exceptions.UnprocessableEntityException;
import com.workos.models.Organization;
import com.workos.models.OrganizationDomain;
import com.workos.models.OrganizationDomainData;
import com.workos.types.OrganizationDomainDataState;
import com.workos.types.OrganizationDomainState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrganizationsTest {
  private final WorkOS workos = Stack.client();

  @Test
  void createGetUpdateListAndDeleteAnOrganization() {
    String tld = Stack.unique("java") + ".test";
    String externalId = Stack.unique("ext");
    Organization created = workos.getOrganizations().create(
        "Acme Java", null, null,
        List.of(new OrganizationDomainData("acme." + tld, OrganizationDomainDataState.Pending)),
        Map.of("tier", "gold"), externalId);
    assertTrue(created.getId().startsWith("org_"));
    assertEquals("Acme Java", created.getName());
    assertEquals(Map.of("tier", "gold"), created.getMetadata());
    assertEquals(externalId, created.getExternalId());
    OrganizationDomain domain = created.getDomains().get(0);
    assertEquals("acme." + tld, domain.getDomain());
    assertEquals(OrganizationDomainState.Pending, domain.getState());
    assertEquals(created.getId(), domain.getOrganizationId());

    assertEquals(created, workos.getOrganizations().get(created.getId()));
    assertEquals(created.getId(), workos.getOrganizations().getByExternalId(externalId).getId());

    Organization renamed = workos.getOrganizations().update(created.getId(), "Acme Renamed");
    assertEquals("Acme Renamed", renamed.getName());
    assertEquals(created.getDomains(), renamed.getDomains());

    List<Organization> byDomain = workos.getOrganizations().list(null, null, null, null, List.of("acme." + tld)).data;
    assertEquals(List.of(created.getId()), byDomain.stream().map(Organization::getId).toList());

    workos.getOrganizations().delete(created.getId());
    NotFoundException gone = assertThrows(NotFoundException.class, () -> workos.getOrganizations().get(created.getId()));
    assertNotNull(gone.requestId, "errors carry the request ID");
  }

  @Test
  void listPagesThroughEveryOrganizationWithCursors() {
    String name = Stack.unique("paged");
    for (int i = 0; i < 3; i++) workos.getOrganizations().create(name + " " + i);
    var page = workos.getOrganizations().list(null, null, 2);
    assertEquals(2, page.data.size());
    assertTrue(page.hasNextPage());
    long mine = 0;
    for (Organization o : page.autoPagingIterable()) if (o.getName().startsWith(name)) mine++;
    assertEquals(3, mine);
  }

  @Test
  void badInputIsAWorkOsShaped422() {
    UnprocessableEntityException bad = assertThrows(UnprocessableEntityException.class,
        () -> workos.getOrganizations().create(""));
    assertNotNull(bad.getMessage());
  }

  @Test
  void theDeprecatedDomainsListStillCreatesPendingDomains() {
    String domain = Stack.unique("legacy") + ".test";
    Organization created = workos.getOrganizations().create("Legacy Java", null, List.of(domain));
    assertEquals(List.of(domain), created.getDomains().stream().map(OrganizationDomain::getDomain).toList());
    assertEquals(OrganizationDomainState.Pending, created.getDomains().get(0).getState());
  }
}
