import { afterEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { clientAddress, parseAddress, requestClientAddress, trustedProxies } from "./client-ip";

// Lies about the caller's address, and what the audit log records for each. The front door's
// half (the socket, the stamped header) is replayed in lib/gateway/node-server.security.db.test.ts.

const none = trustedProxies([]);
const lan = trustedProxies(["10.0.0.0/8", "fd00::/8", "192.0.2.1"]);

describe("behind no trusted proxy", () => {
  it("a forged X-Forwarded-For is ignored: the peer is the client", () => {
    expect(clientAddress("203.0.113.5", "6.6.6.6", none)).toBe("203.0.113.5");
  });

  it("a forged X-Forwarded-For from a private address is ignored too (only listed proxies are believed)", () => {
    expect(clientAddress("10.1.2.3", "6.6.6.6", none)).toBe("10.1.2.3");
  });
});

describe("behind trusted proxies", () => {
  it("the chain is walked from the right: a client-supplied entry on the left is never reached", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1", lan)).toBe("203.0.113.7");
  });

  it("an untrusted peer's chain is not read at all, even if it names trusted hops", () => {
    expect(clientAddress("203.0.113.7", "6.6.6.6, 10.0.0.1", lan)).toBe("203.0.113.7");
  });

  it("a garbage hop ends the walk at the last proxy that vouched for it", () => {
    expect(clientAddress("10.0.0.2", "6.6.6.6, not-an-ip", lan)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "6.6.6.6, , 10.0.0.1", lan)).toBe("10.0.0.1");
  });

  it("a chain of only trusted hops gives the leftmost", () => {
    expect(clientAddress("10.0.0.2", "10.0.0.9, 10.0.0.1", lan)).toBe("10.0.0.9");
  });

  it("IPv6, IPv4-mapped peers, ports and brackets are read as the address they are", () => {
    expect(clientAddress("::ffff:10.0.0.2", "2001:db8::1", lan)).toBe("2001:db8::1");
    expect(clientAddress("fd00::5", "[2001:DB8::2]:4711", lan)).toBe("2001:db8::2");
    expect(clientAddress("192.0.2.1", "198.51.100.4:8080", lan)).toBe("198.51.100.4");
    expect(parseAddress("::ffff:203.0.113.1")).toBe("203.0.113.1");
  });

  it("an endless chain is read only from its right end", () => {
    const chain = ["6.6.6.6", ...Array.from({ length: 1000 }, () => "10.0.0.1")].join(", ");
    expect(clientAddress("10.0.0.2", chain, lan)).toBe("10.0.0.1");
  });
});

describe("TRUSTED_PROXIES itself", () => {
  it.each(["10.0.0.0/33", "10.0.0.0/8/8", "example.com", "10.0.0.0/x", "::/129"])(
    "refuses '%s' instead of trusting the wrong hops",
    (entry) => {
      expect(() => trustedProxies([entry])).toThrow(/Invalid TRUSTED_PROXIES entry/);
    },
  );
});

describe("a route handler with no front door (serverless)", () => {
  afterEach(() => {
    delete process.env.TRUSTED_PROXIES;
    resetEnv();
  });
  const request = (headers: Record<string, string>) => new Request("http://localhost:3000/api/keys", { headers });

  it("with TRUSTED_PROXIES empty, nobody vouches for X-Forwarded-For: the address is unknown", () => {
    expect(requestClientAddress(request({ "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6" }))).toBeNull();
  });

  it("a forged stamp header is not believed where no front door stamps it", () => {
    expect(requestClientAddress(request({ "x-neuronedge-client-ip": "6.6.6.6" }))).toBeNull();
  });

  it("with TRUSTED_PROXIES set, the platform's edge is trusted: the rightmost unlisted hop is the client", () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8";
    resetEnv();
    expect(requestClientAddress(request({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(requestClientAddress(request({ "x-neuronedge-client-ip": "6.6.6.6" }))).toBeNull();
  });
});
