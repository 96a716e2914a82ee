package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.models.Organization;
import com.workos.models.OrganizationDomain;
import com.workos.types.OrganizationDomainState;
import com.workos.types.OrganizationDomainVerificationStrategy;
import org.junit.jupiter.api.Test;

class OrganizationDomainsTest {
  private final WorkOS workos = Stack.client();

  @Test
  void createGetVerifyWithoutARecordAndDelete() {
    Organization org = workos.getOrganizations().create("Domains Java");
    String name = Stack.unique("nodns") + ".test";
    OrganizationDomain domain = workos.getOrganizationDomains().create(name, org.getId());
    assertTrue(domain.getId().startsWith("org_domain_"));
    assertEquals(OrganizationDomainState.Pending, domain.getState());
    assertEquals(OrganizationDomainVerificationStrategy.Dns, domain.getVerificationStrategy());
    assertEquals("_workos-challenge", domain.getVerificationPrefix());
    assertNotNull(domain.getVerificationToken());
    assertEquals(domain, workos.getOrganizationDomains().get(domain.getId()));

    // Nobody published the TXT record, so DNS verification fails.
    assertEquals(OrganizationDomainState.Failed, workos.getOrganizationDomains().verify(domain.getId()).getState());

    workos.getOrganizationDomains().delete(domain.getId());
    assertThrows(NotFoundException.class, () -> workos.getOrganizationDomains().get(domain.getId()));
  }

  @Test
  void verifyADomainWhoseTxtRecordIsPublished() {
    // The node side created this domain and published its token on the test DNS server.
    String id = Stack.env("WOS_VERIFIABLE_DOMAIN_ID");
    OrganizationDomain verified = workos.getOrganizationDomains().verify(id);
    assertEquals(OrganizationDomainState.Verified, verified.getState());
    assertEquals(OrganizationDomainState.Verified,
        workos.getOrganizations().get(verified.getOrganizationId()).getDomains().stream()
            .filter(d -> d.getId().equals(id)).findFirst().orElseThrow().getState());
  }
}
