import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { FairQueue } from "./verify-queue";

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe("the cold-verification queue", () => {
  it("serves key ids in turn: a flood of one id waits behind one job of each other id", async () => {
    const q = new FairQueue(() => ({ concurrency: 1, maxTotal: 100, maxPerId: 100 }));
    const ran: string[] = [];
    const first = gate();
    const jobs = [q.run("flood", () => first.opened.then(() => ran.push("flood")))];
    for (let i = 0; i < 5; i++) jobs.push(q.run("flood", async () => ran.push("flood")));
    jobs.push(
      q.run("a", async () => ran.push("a")),
      q.run("b", async () => ran.push("b")),
    );
    first.open();
    await Promise.all(jobs);
    expect(ran.slice(0, 4)).toEqual(["flood", "flood", "a", "b"]);
    expect(q.size).toBe(0);
  });

  it("refuses past its bounds: 429 for one id, 503 for all, each with Retry-After", async () => {
    const q = new FairQueue(() => ({ concurrency: 1, maxTotal: 3, maxPerId: 2 }));
    const hold = gate();
    const held = [q.run("x", () => hold.opened), q.run("x", () => hold.opened)];
    const perId = await q.run("x", async () => 0).catch((e: AppError) => e);
    expect(perId).toBeInstanceOf(AppError);
    expect((perId as AppError).status).toBe(429);
    held.push(q.run("y", () => hold.opened));
    const total = await q.run("z", async () => 0).catch((e: AppError) => e);
    expect((total as AppError).status).toBe(503);
    expect((total as AppError).headers["retry-after"]).toBe("1");
    hold.open();
    await Promise.all(held);
    expect(await q.run("z", async () => "served")).toBe("served");
  });

  it("passes a job's failure to its caller and keeps serving", async () => {
    const q = new FairQueue(() => ({ concurrency: 2, maxTotal: 10, maxPerId: 10 }));
    await expect(q.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await q.run("a", async () => 1)).toBe(1);
    expect(q.size).toBe(0);
  });
});
