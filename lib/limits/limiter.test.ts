import { describe, expect, it } from "vitest";
import { createLimiter, formatResetDuration, WINDOW_MS } from "./limiter";
import { MemoryCounters } from "./limiter-memory";

// A window start far from the epoch, so window numbers look like real ones.
const T0 = Math.floor(Date.UTC(2030, 0, 1) / WINDOW_MS) * WINDOW_MS;

function setup(start = T0) {
  const clock = { now: start };
  const limiter = createLimiter({ now: () => clock.now });
  return { clock, limiter };
}

describe("limiter (memory)", () => {
  it("lets exactly rpm of 20 simultaneous requests through", async () => {
    const { limiter } = setup();
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.acquire("key_a", { requestsPerMinute: 6 }, 0)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(6);
    for (const d of decisions.filter((d) => !d.allowed)) {
      expect(d.refusedBy).toBe("requests");
      expect(d.headers["x-ratelimit-remaining-requests"]).toBe("0");
    }
  });

  it("lets requests through again when the window rolls over", async () => {
    const { clock, limiter } = setup(T0 + 30_000);
    const spec = { requestsPerMinute: 2 };
    expect((await limiter.acquire("k", spec, 0)).allowed).toBe(true);
    expect((await limiter.acquire("k", spec, 0)).allowed).toBe(true);
    expect((await limiter.acquire("k", spec, 0)).allowed).toBe(false);
    clock.now = T0 + WINDOW_MS - 1;
    expect((await limiter.acquire("k", spec, 0)).allowed).toBe(false);
    clock.now = T0 + WINDOW_MS;
    const d = await limiter.acquire("k", spec, 0);
    expect(d.allowed).toBe(true);
    expect(d.headers["x-ratelimit-remaining-requests"]).toBe("1");
  });

  it("says when to retry: whole seconds to the window's end, at least 1", async () => {
    const { clock, limiter } = setup();
    const spec = { requestsPerMinute: 1 };
    await limiter.acquire("k", spec, 0);
    clock.now = T0 + 45_200;
    const d = await limiter.acquire("k", spec, 0);
    expect(d).toMatchObject({ allowed: false, refusedBy: "requests", retryAfterSeconds: 15, reservation: null });
    expect(d.tooLarge).toBeUndefined();
    clock.now = T0 + WINDOW_MS - 10;
    expect((await limiter.acquire("k", spec, 0)).retryAfterSeconds).toBe(1);
    const allowed = await limiter.acquire("other", spec, 0);
    expect(allowed.retryAfterSeconds).toBeUndefined();
    expect(allowed.refusedBy).toBeUndefined();
  });

  it("sets OpenAI's headers: remaining counts down, reset as a duration", async () => {
    const { clock, limiter } = setup();
    const spec = { requestsPerMinute: 3, tokensPerMinute: 1000 };
    const first = await limiter.acquire("k", spec, 100);
    expect(first.headers).toEqual({
      "x-ratelimit-limit-requests": "3",
      "x-ratelimit-remaining-requests": "2",
      "x-ratelimit-reset-requests": "1m0s",
      "x-ratelimit-limit-tokens": "1000",
      "x-ratelimit-remaining-tokens": "900",
      "x-ratelimit-reset-tokens": "1m0s",
    });
    clock.now = T0 + 48_000;
    const second = await limiter.acquire("k", spec, 250);
    expect(second.headers["x-ratelimit-remaining-requests"]).toBe("1");
    expect(second.headers["x-ratelimit-remaining-tokens"]).toBe("650");
    expect(second.headers["x-ratelimit-reset-requests"]).toBe("12s");
    clock.now = T0 + 59_150;
    const third = await limiter.acquire("k", spec, 0);
    expect(third.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(third.headers["x-ratelimit-reset-tokens"]).toBe("850ms");
    // The refusal carries the same headers, showing what is left.
    const refused = await limiter.acquire("k", spec, 0);
    expect(refused.allowed).toBe(false);
    expect(refused.headers["x-ratelimit-remaining-requests"]).toBe("0");
    expect(refused.headers["x-ratelimit-remaining-tokens"]).toBe("650");
  });

  it("sets only the trio of each limit that is set", async () => {
    const { limiter } = setup();
    const rpmOnly = await limiter.acquire("a", { requestsPerMinute: 5, tokensPerMinute: null }, 10);
    expect(Object.keys(rpmOnly.headers).sort()).toEqual([
      "x-ratelimit-limit-requests",
      "x-ratelimit-remaining-requests",
      "x-ratelimit-reset-requests",
    ]);
    expect(rpmOnly.reservation).toBeNull();
    const tpmOnly = await limiter.acquire("b", { tokensPerMinute: 500 }, 10);
    expect(Object.keys(tpmOnly.headers).sort()).toEqual([
      "x-ratelimit-limit-tokens",
      "x-ratelimit-remaining-tokens",
      "x-ratelimit-reset-tokens",
    ]);
    expect(tpmOnly.reservation).toMatchObject({ keyId: "b", estimatedTokens: 10, backend: "memory" });
  });

  it("formats reset durations like OpenAI (Go durations)", () => {
    expect(formatResetDuration(0)).toBe("0s");
    expect(formatResetDuration(1)).toBe("1ms");
    expect(formatResetDuration(850)).toBe("850ms");
    expect(formatResetDuration(999.2)).toBe("1s");
    expect(formatResetDuration(12_000)).toBe("12s");
    expect(formatResetDuration(12_500)).toBe("12.5s");
    expect(formatResetDuration(17_280)).toBe("17.28s");
    expect(formatResetDuration(60_000)).toBe("1m0s");
    expect(formatResetDuration(61_500)).toBe("1m1.5s");
    expect(formatResetDuration(360_000)).toBe("6m0s");
  });

  it("reserves estimated tokens and settles them to the actual count, up or down", async () => {
    const { limiter } = setup();
    const spec = { tokensPerMinute: 1000 };
    const a = await limiter.acquire("k", spec, 400);
    const b = await limiter.acquire("k", spec, 400);
    expect(b.headers["x-ratelimit-remaining-tokens"]).toBe("200");
    // 400 + 400 reserved: a third 400 does not fit.
    expect((await limiter.acquire("k", spec, 400)).refusedBy).toBe("tokens");
    // a used far less than it reserved: the difference comes back.
    await limiter.settle(a.reservation!, 50);
    const c = await limiter.acquire("k", spec, 400);
    expect(c.allowed).toBe(true);
    expect(c.headers["x-ratelimit-remaining-tokens"]).toBe("150"); // 1000 - 50 - 400 - 400
    // b used more than it reserved (a stream can): the window goes over, nothing more fits.
    await limiter.settle(b.reservation!, 900);
    const refused = await limiter.acquire("k", spec, 0);
    expect(refused).toMatchObject({ allowed: false, refusedBy: "tokens" });
    expect(refused.headers["x-ratelimit-remaining-tokens"]).toBe("0");
    // settle(…, 0) refunds a failed call entirely.
    await limiter.settle(c.reservation!, 0);
    await limiter.settle(b.reservation!, 400); // second settle of the same reservation: ignored
    const after = await limiter.acquire("k", spec, 0);
    expect(after.allowed).toBe(true);
    expect(after.headers["x-ratelimit-remaining-tokens"]).toBe("50"); // 1000 - 50 - 900
  });

  it("refuses at exactly the limit, even a request estimating 0 tokens", async () => {
    const { limiter } = setup();
    const spec = { tokensPerMinute: 100 };
    expect((await limiter.acquire("k", spec, 100)).allowed).toBe(true);
    expect((await limiter.acquire("k", spec, 0)).refusedBy).toBe("tokens");
  });

  it("refuses a request whose estimate alone exceeds tpm, and consumes nothing", async () => {
    const { limiter } = setup();
    const spec = { requestsPerMinute: 2, tokensPerMinute: 1000 };
    const big = await limiter.acquire("k", spec, 1001);
    expect(big).toMatchObject({ allowed: false, refusedBy: "tokens", tooLarge: true, reservation: null });
    expect(big.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(big.headers["x-ratelimit-remaining-requests"]).toBe("2");
    expect(big.headers["x-ratelimit-remaining-tokens"]).toBe("1000");
    // It is reported as too large even once the key is also out of requests.
    expect((await limiter.acquire("k", spec, 1000)).allowed).toBe(true);
    const exact = await limiter.acquire("k", spec, 0);
    expect(exact).toMatchObject({ allowed: false, refusedBy: "tokens" });
    expect(exact.tooLarge).toBeUndefined();
    await limiter.acquire("k2", spec, 0);
    await limiter.acquire("k2", spec, 0);
    expect(await limiter.acquire("k2", spec, 5000)).toMatchObject({ refusedBy: "tokens", tooLarge: true });
  });

  it("refusals consume nothing", async () => {
    const { limiter } = setup();
    const spec = { requestsPerMinute: 3, tokensPerMinute: 100 };
    await limiter.acquire("k", spec, 90);
    for (let i = 0; i < 5; i++) expect((await limiter.acquire("k", spec, 20)).refusedBy).toBe("tokens");
    const d = await limiter.acquire("k", spec, 10);
    expect(d.allowed).toBe(true);
    expect(d.headers["x-ratelimit-remaining-requests"]).toBe("1");
  });

  it("settles into the window it reserved in, and not into a later one", async () => {
    const { clock, limiter } = setup();
    const spec = { tokensPerMinute: 1000 };
    const a = await limiter.acquire("k", spec, 100);
    clock.now = T0 + WINDOW_MS + 1;
    await limiter.settle(a.reservation!, 900);
    const d = await limiter.acquire("k", spec, 0);
    expect(d.headers["x-ratelimit-remaining-tokens"]).toBe("1000");
  });

  it("keeps keys independent", async () => {
    const { limiter } = setup();
    const spec = { requestsPerMinute: 1, tokensPerMinute: 100 };
    expect((await limiter.acquire("a", spec, 100)).allowed).toBe(true);
    expect((await limiter.acquire("a", spec, 0)).allowed).toBe(false);
    const b = await limiter.acquire("b", spec, 100);
    expect(b.allowed).toBe(true);
    expect(b.headers["x-ratelimit-remaining-requests"]).toBe("0");
  });

  it("lets an unlimited key through with no headers and no reservation", async () => {
    const { limiter } = setup();
    for (const spec of [{}, { requestsPerMinute: null, tokensPerMinute: null }, { requestsPerMinute: Infinity }]) {
      for (let i = 0; i < 50; i++) {
        expect(await limiter.acquire("k", spec, 1e9)).toEqual({ allowed: true, headers: {}, reservation: null });
      }
    }
  });

  it("treats a limit of 0 as refusing everything, and unusable estimates as 0", async () => {
    const { limiter } = setup();
    expect((await limiter.acquire("k", { requestsPerMinute: 0 }, 0)).refusedBy).toBe("requests");
    const spec = { tokensPerMinute: 10 };
    for (const bad of [NaN, -5, Infinity]) {
      const d = await limiter.acquire("t", spec, bad);
      expect(d.allowed).toBe(true);
      expect(d.reservation!.estimatedTokens).toBe(0);
    }
    const frac = await limiter.acquire("t", spec, 2.1);
    expect(frac.reservation!.estimatedTokens).toBe(3);
  });

  it("reports a memory backend", async () => {
    const { limiter } = setup();
    expect(limiter.status()).toEqual({ backend: "memory", redisConfigured: false, redisHealthy: false, detail: "memory" });
    await limiter.close();
    expect((await limiter.acquire("k", { requestsPerMinute: 1 }, 0)).allowed).toBe(true);
  });
});

describe("memory counters", () => {
  it("forget keys of past windows, so memory stays bounded by the keys of one window", () => {
    const counters = new MemoryCounters();
    for (let i = 0; i < 1000; i++) counters.take(`key_${i}`, 100, 10, null, 0);
    expect(counters.size).toBe(1000);
    counters.take("key_0", 101, 10, null, 0);
    expect(counters.size).toBe(1);
  });

  it("keep counting into the later window when the clock steps back", () => {
    const counters = new MemoryCounters();
    counters.take("k", 101, 1, null, 0);
    expect(counters.take("k", 100, 1, null, 0).allowed).toBe(false);
  });
});
