package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.workos.WorkOS;
import com.workos.common.http.PatchField;
import com.workos.models.Organization;
import com.workos.models.OrganizationCreated;
import com.workos.models.WebhookEndpoint;
import com.workos.models.WorkOSEvent;
import com.workos.types.CreateWebhookEndpointEvents;
import com.workos.types.WebhookEndpointStatus;
import com.workos.webhooks.Webhook;
import java.security.SignatureException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhooksTest {
  private final WorkOS workos = Stack.client();

  @Test
  void aRealDeliveryVerifiesWithConstructTypedEvent() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      WebhookEndpoint endpoint = workos.getWebhooks().createEndpoint(receiver.url("/workos"), List.of(CreateWebhookEndpointEvents.OrganizationCreated));
      assertTrue(endpoint.getId().startsWith("we_"));
      assertTrue(endpoint.getSecret().startsWith("whsec_"));
      assertEquals(WebhookEndpointStatus.Enabled, endpoint.getStatus());

      Organization org = workos.getOrganizations().create(Stack.unique("Hooked"));
      Webhook webhook = new Webhook();
      OrganizationCreated event = Stack.waitFor("the organization.created delivery", Duration.ofSeconds(60), () -> {
        for (WebhookReceiver.Delivery d : receiver.received) {
          try {
            WorkOSEvent e = webhook.constructTypedEvent(d.body(), d.signature(), endpoint.getSecret());
            if (e instanceof OrganizationCreated oc && oc.getData().getId().equals(org.getId())) return oc;
          } catch (SignatureException ex) {
            throw new AssertionError("a delivery did not verify: " + ex.getMessage(), ex);
          }
        }
        return null;
      });
      assertEquals(org.getName(), event.getData().getName());
      assertTrue(event.getId().startsWith("event_"));

      WebhookReceiver.Delivery first = receiver.received.get(0);
      assertThrows(SignatureException.class, () -> webhook.constructEvent(first.body(), first.signature(), "whsec_not_the_secret"));
      assertThrows(SignatureException.class, () -> webhook.constructEvent(first.body() + " ", first.signature(), endpoint.getSecret()));
      workos.getWebhooks().deleteEndpoint(endpoint.getId());
    }
  }

  @Test
  void listUpdateAndDeleteEndpoints() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      WebhookEndpoint endpoint = workos.getWebhooks().createEndpoint(receiver.url("/crud"), List.of(CreateWebhookEndpointEvents.UserCreated));
      assertTrue(workos.getWebhooks().listEndpoints().data.stream().anyMatch(e -> e.getId().equals(endpoint.getId())));
      WebhookEndpoint disabled = workos.getWebhooks().updateEndpoint(endpoint.getId(), PatchField.absent(), PatchField.of(WebhookEndpointStatus.Disabled));
      assertEquals(WebhookEndpointStatus.Disabled, disabled.getStatus());
      assertEquals(List.of("user.created"), disabled.getEvents());
      workos.getWebhooks().deleteEndpoint(endpoint.getId());
      assertTrue(workos.getWebhooks().listEndpoints().data.stream().noneMatch(e -> e.getId().equals(endpoint.getId())));
    }
  }
}
