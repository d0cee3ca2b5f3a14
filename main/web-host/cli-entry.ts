import { runWebHostCli } from './cli';

// Entry of the bundled web host (out/main/web-host.cjs), which has no file name to sniff.
runWebHostCli().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
