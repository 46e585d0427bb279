package io.portrait.launcher.docs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One documented exchange: a fenced {@code http request} block followed by a fenced {@code http response} block.
 * A request block is the request line, headers, a blank line and the body; a response block is the status
 * line, headers, a blank line and the body.
 */
record HttpExample(String method, String path, Map<String, String> requestHeaders, String requestBody,
                   int status, Map<String, String> responseHeaders, String responseBody) {

    private static final Pattern BLOCK = Pattern.compile("```http (request|response)\\n(.*?)\\n```", Pattern.DOTALL);

    String requestLine() {
        return method + " " + path;
    }

    static List<HttpExample> parse(String markdown) {
        List<HttpExample> examples = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        String pendingRequest = null;
        while (m.find()) {
            if (m.group(1).equals("request")) {
                if (pendingRequest != null) {
                    throw new IllegalArgumentException("request without a response: " + firstLine(pendingRequest));
                }
                pendingRequest = m.group(2);
            } else {
                if (pendingRequest == null) {
                    throw new IllegalArgumentException("response without a request: " + firstLine(m.group(2)));
                }
                examples.add(of(pendingRequest, m.group(2)));
                pendingRequest = null;
            }
        }
        if (pendingRequest != null) {
            throw new IllegalArgumentException("request without a response: " + firstLine(pendingRequest));
        }
        return examples;
    }

    private static HttpExample of(String request, String response) {
        Message req = Message.parse(request);
        Message res = Message.parse(response);
        String[] requestLine = req.startLine().split(" ", 2);
        String[] statusLine = res.startLine().split(" ");
        return new HttpExample(requestLine[0], requestLine[1], req.headers(), req.body(),
                Integer.parseInt(statusLine[1]), res.headers(), res.body());
    }

    private static String firstLine(String block) {
        return block.lines().findFirst().orElse("");
    }

    private record Message(String startLine, Map<String, String> headers, String body) {
        static Message parse(String block) {
            List<String> lines = block.lines().toList();
            Map<String, String> headers = new LinkedHashMap<>();
            int i = 1;
            for (; i < lines.size() && !lines.get(i).isBlank(); i++) {
                String[] header = lines.get(i).split(":", 2);
                headers.put(header[0].trim(), header[1].trim());
            }
            String body = i < lines.size() ? String.join("\n", lines.subList(i + 1, lines.size())) : "";
            return new Message(lines.get(0).trim(), headers, body);
        }
    }
}
