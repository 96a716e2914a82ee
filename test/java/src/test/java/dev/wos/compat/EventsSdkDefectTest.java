package dev.wos.compat;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.workos.common.json.ObjectMapperFactory;
import com.workos.models.EventSchema;
import com.workos.models.OrganizationCreated;
import com.workos.models.WorkOSEvent;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 item 6, without a server: the SDK's events.list() reads each item as EventSchema,
 * which inherits WorkOSEvent's type discriminator, so every event type the SDK models (here the
 * documented shape of organization.created) resolves to a class that is not an EventSchema and
 * fails. Reading the same JSON as WorkOSEvent works. When a new SDK version fixes this, the
 * first test fails: then update docs/compatibility.md and drop the workaround.
 */
class EventsSdkDefectTest {
  static final String ORGANIZATION_CREATED = """
      {"object": "event", "id": "event_01EHZNVPK3SFK441A1RGBFSHRT", "event": "organization.created",
       "data": {"object": "organization", "id": "org_01EHZNVPK3SFK441A1RGBFSHRT", "name": "Foo Corp",
         "allow_profiles_outside_organization": false, "external_id": null, "metadata": {},
         "domains": [{"object": "organization_domain", "id": "org_domain_01EHZNVPK2QXHMVWCEDQEKY69A",
           "organization_id": "org_01EHZNVPK3SFK441A1RGBFSHRT", "domain": "foo-corp.com", "state": "verified",
           "verification_strategy": "dns", "verification_token": "m5Oztg3jdK4NJLgs8uIlIprMw",
           "created_at": "2021-06-25T19:07:33.155Z", "updated_at": "2021-06-25T19:07:33.155Z"}],
         "created_at": "2021-06-25T19:07:33.155Z", "updated_at": "2021-06-25T19:07:33.155Z"},
       "created_at": "2021-06-25T19:07:33.155Z"}
      """;

  private final ObjectMapper mapper = ObjectMapperFactory.create();

  @Test
  void theSdksEventsListItemTypeCannotReadATypedEvent() {
    InvalidTypeIdException e = assertThrows(InvalidTypeIdException.class, () -> mapper.readValue(ORGANIZATION_CREATED, EventSchema.class));
    assertTrue(e.getMessage().contains("organization.created"), e.getMessage());
  }

  @Test
  void theSameJsonReadAsWorkOSEventIsTyped() throws Exception {
    WorkOSEvent event = mapper.readValue(ORGANIZATION_CREATED, WorkOSEvent.class);
    OrganizationCreated created = assertInstanceOf(OrganizationCreated.class, event);
    assertEquals("Foo Corp", created.getData().getName());
  }
}
