import { notFound } from "next/navigation";

// Unknown addresses under /dashboard get the dashboard's own 404, inside its layout.
export default function MissingDashboardPage(): never {
  notFound();
}
