import { SignIn } from "@clerk/nextjs";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export default function SignInPage() {
  // Local mode has no sign-in: the one owner is always signed in.
  if (!getEnv().clerkEnabled) redirect("/dashboard");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <SignIn />
    </main>
  );
}
