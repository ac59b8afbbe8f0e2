// A local OpenAI-compatible Chat Completions server for the end-to-end
// tests: it answers polish, metadata and generate requests by their system
// prompt, streams when asked (SSE), and records every request.
import http from "node:http";

export const POLISHED_SUFFIX = "Answer in three short bullet points.";
export const GENERATED =
  "You are a naming assistant for pets. Suggest ten names for a {animal} with a short reason for each.";

function answerFor(body) {
  const user = body.messages.find((m) => m.role === "user")?.content ?? "";
  const all = body.messages.map((m) => m.content).join("\n");
  if (/"synopsis"/.test(all) && /"tags"/.test(all) && /JSON/.test(all)) {
    return JSON.stringify({ synopsis: "Explains recursion to beginners.", tags: ["teaching", "programming", "recursion"], score: 82 });
  }
  const inner = /<prompt>\n([\s\S]*)\n<\/prompt>/.exec(user);
  if (inner) return `${inner[1].trim()}\n${POLISHED_SUFFIX}`;
  return GENERATED;
}

export function startFakeAi() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
        return;
      }
      const body = JSON.parse(raw);
      requests.push(body);
      const text = answerFor(body);
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const piece of text.match(/[\s\S]{1,12}/g)) {
          res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
        }
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`);
        res.end("data: [DONE]\n\n");
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({
          id: "chatcmpl-e2e", object: "chat.completion", model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ endpoint: `http://127.0.0.1:${port}/v1`, requests, close: () => { server.closeAllConnections(); server.close(); } });
    });
  });
}
