import { SignIn } from "@clerk/nextjs";
import { redirect } from "next/navigation";
import { ClerkWidget } from "@/components/auth/clerk-fallback";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export default function SignInPage() {
  // Local mode has no sign-in: the one owner is always signed in.
  if (!getEnv().clerkEnabled) redirect("/dashboard");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <ClerkWidget
        loading={<p className="text-sm text-zinc-600">Loading sign-in…</p>}
        failed={
          <div role="alert" className="max-w-md rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
            <p className="font-semibold">Sign-in could not load.</p>
            <p className="mt-1">
              The sign-in form comes from Clerk, and this browser could not reach it. Check the network connection and that
              NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY names your Clerk instance, then reload.
            </p>
          </div>
        }
      >
        <SignIn />
      </ClerkWidget>
    </main>
  );
}
