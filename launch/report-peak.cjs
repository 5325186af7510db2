// Preload used by `npm run bench` (through NODE_OPTIONS, so it reaches every node process of a
// command): on exit, appends this process's peak RSS in bytes to the file named by HCAP_INFRA_PEAK_FILE.
const fs = require("node:fs");

const file = process.env.HCAP_INFRA_PEAK_FILE;
if (file) process.on("exit", () => fs.appendFileSync(file, `${process.resourceUsage().maxRSS * 1024}\n`));
