import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { parseUsageQuery, queryUsage, usageCsv, usageCsvFilename, usageJson } from "@/lib/usage/query";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ permission: "usage:read" }, async ({ req, caller }) => {
  const q = await parseUsageQuery(caller.ownerId, new URL(req.url).searchParams);
  const rows = await queryUsage(q.filter, q.groupBy);
  if (q.format === "csv") {
    return new Response(usageCsv(rows, q.groupBy), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${usageCsvFilename(q)}"`,
        "Cache-Control": "no-store",
      },
    });
  }
  return Response.json(usageJson(rows, q.groupBy, q.filter.range), { headers: { "Cache-Control": "no-store" } });
});

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
