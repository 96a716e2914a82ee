package dev.wos.compat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person at the hosted AuthKit pages, over plain HTTP: a cookie jar (the flow cookie; one host,
 * so names suffice), redirects followed by hand so every Set-Cookie on the way is kept, forms
 * posted with their CSRF token. Sends a desktop browser's User-Agent, as a person would (Radar
 * refuses bot agents).
 */
final class HostedPages {
  private static final Pattern FORM = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"");
  private static final Pattern CSRF = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");
  private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, String> cookies = new LinkedHashMap<>();

  HttpResponse<String> get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  /** One request, then GETs along its redirects (303/302 after a form post, as browsers do). */
  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> res = once(request);
    for (int hop = 0; hop < 10 && res.statusCode() / 100 == 3; hop++) {
      res = once(HttpRequest.newBuilder(res.uri().resolve(res.headers().firstValue("location").orElseThrow())).GET());
    }
    return res;
  }

  private HttpResponse<String> once(HttpRequest.Builder request) throws Exception {
    request.header("user-agent", USER_AGENT);
    if (!cookies.isEmpty()) {
      StringBuilder header = new StringBuilder();
      cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
      request.header("cookie", header.toString());
    }
    HttpResponse<String> res = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    for (String c : res.headers().allValues("set-cookie")) {
      String pair = c.split(";", 2)[0];
      int eq = pair.indexOf('=');
      cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return res;
  }

  /** Posts the page's first form whose action contains `actionPart`, with its CSRF token and `fields`. */
  HttpResponse<String> submit(HttpResponse<String> page, String actionPart, Map<String, String> fields) throws Exception {
    Matcher form = FORM.matcher(page.body());
    String action = null;
    while (form.find()) {
      if (unescape(form.group(1)).contains(actionPart)) {
        action = unescape(form.group(1));
        break;
      }
    }
    Matcher csrf = CSRF.matcher(page.body());
    if (action == null || !csrf.find()) throw new AssertionError("no form posting to " + actionPart + " at " + page.uri() + ": " + page.body().substring(0, Math.min(400, page.body().length())));
    Map<String, String> all = new LinkedHashMap<>(fields);
    all.put("csrf_token", unescape(csrf.group(1)));
    StringBuilder body = new StringBuilder();
    all.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    return send(HttpRequest.newBuilder(page.uri().resolve(action))
        .header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  /**
   * The device verification page: the code from verification_uri_complete, the password sign-in,
   * then Allow or Deny. Returns the last page.
   */
  HttpResponse<String> decideDevice(String verificationUriComplete, String userCode, String email, String password, boolean allow) throws Exception {
    HttpResponse<String> entry = get(verificationUriComplete);
    HttpResponse<String> signIn = submit(entry, "verify-device", Map.of("user_code", userCode, "action", "continue"));
    HttpResponse<String> approval = submit(signIn, "/password", Map.of("email", email, "password", password));
    if (!approval.body().contains(email)) throw new AssertionError("no approval page after sign-in at " + approval.uri() + ": " + approval.body().substring(0, Math.min(400, approval.body().length())));
    return submit(approval, "verify-device/approve", Map.of("decision", allow ? "approve" : "deny"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String unescape(String s) {
    return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&");
  }
}
