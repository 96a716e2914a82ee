// Renders and lints a Helm chart with the real Helm engine (helm-java: Helm's Go library as a
// native library), for test/deploy/helm.spec.ts. Run in Java source-file mode, no build step:
//
//   java -cp '.tools/helm/<version>/libs/*' test/helm/HelmRender.java \
//     --chart <chart dir> --out <dir> [--release wos] [--namespace wos] [--kube-version 1.29.0] \
//     [--values <name>=<values file>]...
//
// The chart directory is modified (`helm dependency update` writes charts/ and Chart.lock), so
// pass a copy. Writes into --out:
//   version.txt        the Helm version string the library reports
//   lint.txt           first line "failed" or "passed", then one Helm lint message per line
//                      (helm lint <chart> with the chart's own values; helm-java's lint takes none)
//   <name>.yaml        `helm template` output for each --values set, or
//   <name>.error       the template error, when Helm refused to render that set
// Exits 0 when it ran (a refused render or a failed lint is a result, not a crash), 2 on bad
// arguments, 1 when the engine itself could not be used.
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

public class HelmRender {
  public static void main(String[] args) throws Exception {
    Path chart = null;
    Path out = null;
    String release = "wos";
    String namespace = "wos";
    String kubeVersion = null;
    Map<String, Path> valueSets = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i + 1 >= args.length) usage("missing value after " + arg);
      String value = args[++i];
      switch (arg) {
        case "--chart" -> chart = Path.of(value);
        case "--out" -> out = Path.of(value);
        case "--release" -> release = value;
        case "--namespace" -> namespace = value;
        case "--kube-version" -> kubeVersion = value;
        case "--values" -> {
          int eq = value.indexOf('=');
          if (eq <= 0) usage("--values wants <name>=<file>, got " + value);
          valueSets.put(value.substring(0, eq), Path.of(value.substring(eq + 1)));
        }
        default -> usage("unknown argument " + arg);
      }
    }
    if (chart == null || out == null) usage("--chart and --out are required");
    Files.createDirectories(out);

    write(out.resolve("version.txt"), Helm.version().call().trim() + "\n");

    // file://../charts/service dependencies are copied into charts/ exactly as `helm dependency update` does.
    Helm helm = new Helm(chart);
    helm.dependency().update().skipRefresh().call();

    LintResult lint = helm.lint().call();
    StringBuilder lintText = new StringBuilder(lint.isFailed() ? "failed\n" : "passed\n");
    for (String message : lint.getMessages()) lintText.append(message.replace('\n', ' ')).append('\n');
    write(out.resolve("lint.txt"), lintText.toString());

    for (Map.Entry<String, Path> set : valueSets.entrySet()) {
      Path yaml = out.resolve(set.getKey() + ".yaml");
      Path error = out.resolve(set.getKey() + ".error");
      Files.deleteIfExists(yaml);
      Files.deleteIfExists(error);
      try {
        var template = helm.template().withName(release).withNamespace(namespace).withValuesFile(set.getValue());
        if (kubeVersion != null) template = template.withKubeVersion(kubeVersion);
        write(yaml, template.call());
      } catch (RuntimeException e) {
        write(error, String.valueOf(e.getMessage()) + "\n");
      }
    }
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void usage(String problem) {
    System.err.println("HelmRender: " + problem);
    System.exit(2);
  }
}
