/**
 * Who is signed in and for which organisation, drawn from the session itself: it shows while
 * Clerk's account menu loads, and stays when that menu cannot load, with a way to sign out.
 */
export function SessionSummary({ userId, org }: { userId: string; org: { id: string; role: string | null } | null }) {
  return (
    <div className="flex items-center gap-3 text-xs text-zinc-600" data-session-summary="">
      <span>
        Signed in as <span className="font-medium text-zinc-900">{userId}</span>
        {" · "}
        {org ? (
          <>
            <span className="font-medium text-zinc-900">{org.id}</span> ({org.role ?? "no role"})
          </>
        ) : (
          "personal account"
        )}
      </span>
      <form method="post" action="/api/session/sign-out">
        <button
          type="submit"
          className="rounded font-medium text-zinc-700 underline-offset-4 hover:text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-900"
        >
          Sign out
        </button>
      </form>
    </div>
  );
}
