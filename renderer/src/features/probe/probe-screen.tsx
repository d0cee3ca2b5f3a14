/** Placeholder until the probe UI lands. */
export default function ProbeScreen() {
  return <div className="empty">Ad hoc sessions are coming.</div>;
}
