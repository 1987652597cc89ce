// The TypeScript client generated from the OpenAPI document (openapi-typescript + openapi-fetch) used as an app
// would: it must type-check under `tsc --strict`, which proves the document gives every body a real type.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Condition = components["schemas"]["ConditionRequest"];

export async function firstHour(baseUrl: string): Promise<string[]> {
  const api = createClient<paths>({ baseUrl });
  const email = `ts-${Date.now()}@example.com`;
  const registered = await api.POST("/api/auth/register", { body: { email, password: "Correct-Horse-42" } });
  if (registered.error) {
    // A validation problem: errors are keyed by the JSON path of the field.
    const problem = registered.error;
    return "errors" in problem ? Object.keys(problem.errors ?? {}) : [problem.title ?? "failed"];
  }
  const login = await api.POST("/api/auth/login", { body: { email, password: "Correct-Horse-42" } });
  const token: string = login.data?.accessToken ?? "";
  const headers = { Authorization: `Bearer ${token}` };

  const conditions: Condition[] = [
    { type: "crossesAbove", level: 250 },
    { type: "insideChannel", lower: 200, upper: 220 },
    { type: "movesDown", percent: 3, windowMinutes: 60 },
    { type: "percentChange", percent: -5, reference: "previousClose" },
    { type: "trailingDrawdown", percent: 8 },
  ];
  const states: string[] = [];
  for (const condition of conditions) {
    const created = await api.POST("/api/alerts", {
      headers,
      body: { symbol: "AAPL", condition, frequency: { type: "everyTime", cooldownSeconds: 300 }, channels: ["push", "live"] },
    });
    if (created.data) {
      const state: components["schemas"]["AlertRuleView"]["state"] = created.data.state;
      states.push(state);
    }
  }
  const page = await api.GET("/api/notifications", { headers, params: { query: { limit: 20, unread: true } } });
  const cursor: string | null | undefined = page.data?.nextCursor;
  const quote = await api.GET("/api/prices/{symbol}", { headers, params: { path: { symbol: "AAPL" } } });
  const price: number | undefined = quote.data?.price;
  return [...states, String(cursor), String(price)];
}
