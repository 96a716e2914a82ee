package dev.wos.compat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.workos.WorkOS;
import com.workos.common.http.Page;
import com.workos.common.http.RequestConfig;
import com.workos.models.WorkOSEvent;
import java.util.ArrayList;
import java.util.List;
import kotlin.Pair;

/**
 * The workaround for the SDK's events.list() (issue 21 item 6; docs/compatibility.md): the same
 * GET /events through the SDK's own HTTP client, each item read as the sealed {@link WorkOSEvent}
 * type, so Jackson picks the typed model from the `event` field.
 */
final class Events {
  private Events() {}

  static Page<WorkOSEvent> list(WorkOS workos, List<String> types, String organizationId) {
    return workos.baseClient.requestPage(page(types, organizationId, null), new TypeReference<WorkOSEvent>() {},
        after -> page(types, organizationId, after));
  }

  static List<WorkOSEvent> all(WorkOS workos, List<String> types, String organizationId) {
    List<WorkOSEvent> out = new ArrayList<>();
    list(workos, types, organizationId).autoPagingIterable().forEach(out::add);
    return out;
  }

  private static RequestConfig page(List<String> types, String organizationId, String after) {
    List<Pair<String, String>> query = new ArrayList<>();
    query.add(new Pair<>("events", String.join(",", types)));
    query.add(new Pair<>("limit", "100"));
    if (organizationId != null) query.add(new Pair<>("organization_id", organizationId));
    if (after != null) query.add(new Pair<>("after", after));
    return new RequestConfig("GET", "/events", query);
  }
}
