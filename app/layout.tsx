import { ClerkProvider } from "@clerk/nextjs";
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { getEnv } from "@/lib/env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "NeuronEdge", template: "%s · NeuronEdge" },
  description: "LLM API gateway: keys, usage and limits.",
};

// Mode (local or Clerk) is decided at run time, so nothing is prerendered at build time.
export const dynamic = "force-dynamic";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  const env = getEnv();
  const body = (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
  // The publishable key is read at run time, so one build serves both modes.
  return env.clerkEnabled ? (
    <ClerkProvider publishableKey={env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY} signInUrl="/sign-in" telemetry={false}>
      {body}
    </ClerkProvider>
  ) : (
    body
  );
}
