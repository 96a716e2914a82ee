package dev.wos.compat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser does in a SAML sign-in, over plain HTTP: follows redirects and submits the
 * IdP's auto-posting form (the POST binding), until it is sent to the app's redirect URI, which
 * nothing serves. Returns that URL.
 */
final class Browser {
  private static final Pattern FORM = Pattern.compile("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"[^>]*>([\\s\\S]*?)</form>", Pattern.CASE_INSENSITIVE);
  private static final Pattern INPUT = Pattern.compile("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  URI signIn(String start, String redirectUri) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(start)).GET().build();
    List<String> steps = new ArrayList<>();
    for (int hop = 0; hop < 10; hop++) {
      if (request.uri().toString().startsWith(redirectUri)) return request.uri();
      steps.add(request.method() + " " + request.uri());
      HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
      var location = res.headers().firstValue("location");
      if (res.statusCode() / 100 == 3 && location.isPresent()) {
        request = HttpRequest.newBuilder(request.uri().resolve(location.get())).GET().build();
        continue;
      }
      Matcher form = FORM.matcher(res.body());
      if (res.statusCode() == 200 && form.find()) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = INPUT.matcher(form.group(2));
        while (input.find()) fields.put(unescape(input.group(1)), unescape(input.group(2)));
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        request = HttpRequest.newBuilder(request.uri().resolve(unescape(form.group(1))))
            .header("content-type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        continue;
      }
      throw new AssertionError("sign-in stopped at " + res.statusCode() + " " + res.body().substring(0, Math.min(300, res.body().length())) + " after " + steps);
    }
    throw new AssertionError("too many hops: " + steps);
  }

  /** One query parameter of a URI. */
  static String param(URI uri, String name) {
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      if (URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String unescape(String s) {
    return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#x2F;", "/").replace("&#39;", "'").replace("&amp;", "&");
  }
}
