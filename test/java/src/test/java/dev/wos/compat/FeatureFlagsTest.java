package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.exceptions.NotFoundException;
import com.workos.models.Flag;
import com.workos.models.Organization;
import com.workos.usermanagement.CreateUserPassword;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Java SDK's featureFlags methods; flags are created with the platform's POST /feature-flags (the SDK has no create). */
class FeatureFlagsTest {
  private final WorkOS workos = Stack.client();
  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  private static String createFlag(String slug) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(Stack.BASE_URL + "/feature-flags"))
        .header("Authorization", "Bearer " + Stack.API_KEY)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"slug\":\"" + slug + "\",\"name\":\"Java " + slug + "\",\"tags\":[\"java\"]}"))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return slug;
  }

  /** A user ID no user has (identity is asked about every user target). */
  private static String unknownUserId() {
    StringBuilder id = new StringBuilder("user_");
    Random random = new Random();
    for (int i = 0; i < 26; i++) id.append(CROCKFORD.charAt(random.nextInt(32)));
    return id.toString();
  }

  @Test
  void listGetEnableTargetListForOrganizationAndUserDisable() throws Exception {
    String slug = createFlag(Stack.unique("java-flag").toLowerCase());
    Organization org = workos.getOrganizations().create("Flags Java");
    String user = workos.getUserManagement().create(new CreateUserPassword.Plaintext("flags java password 42"), Stack.unique("flags") + "@java-sdk.test").getId();

    Flag flag = workos.getFeatureFlags().get(slug);
    assertTrue(flag.getId().startsWith("flag_"));
    assertEquals("Java " + slug, flag.getName());
    assertEquals(List.of("java"), flag.getTags());
    assertFalse(flag.getEnabled());
    assertTrue(workos.getFeatureFlags().list().data.stream().anyMatch(f -> f.getSlug().equals(slug)));

    assertTrue(workos.getFeatureFlags().enable(slug).getEnabled());
    workos.getFeatureFlags().addFlagTarget(slug, org.getId());
    workos.getFeatureFlags().addFlagTarget(slug, user);
    assertThrows(NotFoundException.class, () -> workos.getFeatureFlags().addFlagTarget(slug, unknownUserId()));
    assertEquals(List.of(slug), workos.getFeatureFlags().listOrganizationFeatureFlags(org.getId()).data.stream().map(Flag::getSlug).toList());
    assertEquals(List.of(slug), workos.getFeatureFlags().listUserFeatureFlags(user).data.stream().map(Flag::getSlug).toList());
    workos.getFeatureFlags().removeFlagTarget(slug, user);
    assertTrue(workos.getFeatureFlags().listUserFeatureFlags(user).data.isEmpty());
    assertFalse(workos.getFeatureFlags().disable(slug).getEnabled());
    assertTrue(workos.getFeatureFlags().listOrganizationFeatureFlags(org.getId()).data.isEmpty());

    WorkOS other = Stack.client(Stack.OTHER_API_KEY);
    assertThrows(NotFoundException.class, () -> other.getFeatureFlags().get(slug));
    assertThrows(NotFoundException.class, () -> other.getFeatureFlags().enable(slug));
    assertThrows(NotFoundException.class, () -> workos.getFeatureFlags().get("no-such-flag"));
  }
}
