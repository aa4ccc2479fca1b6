// The AWS SDK for JavaScript v3 (@aws-sdk/client-appconfigdata) as a client of the emulator, run by
// js_sdk_test.py. Credentials come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and,
// when set, AWS_SESSION_TOKEN), as in a developer's shell. Prints one "ok    ..." or "FAIL  ..." line
// per check and exits 1 when one failed.
//
// Environment: EMULATOR_URL, CONFIG_FILE (the file behind app/env/prof, edited here), POLL (seconds),
// MODE = core (every core case) | quick (session and first poll only).
import { writeFileSync } from "node:fs";
import { AppConfigDataClient, StartConfigurationSessionCommand, GetLatestConfigurationCommand } from "@aws-sdk/client-appconfigdata";

const url = process.env.EMULATOR_URL;
const configFile = process.env.CONFIG_FILE;
const poll = Number(process.env.POLL || "2");
const mode = process.env.MODE || "core";
let failed = 0;

function check(cond, what) {
  console.log((cond ? "ok    " : "FAIL  ") + what);
  if (!cond) failed += 1;
}

function client(extra = {}) {
  return new AppConfigDataClient({ region: "us-east-1", endpoint: url, maxAttempts: 1, ...extra });
}

async function outcome(promise) {
  try {
    return { value: await promise };
  } catch (e) {
    return { name: e.name, message: e.message, status: e.$metadata && e.$metadata.httpStatusCode };
  }
}

const text = (cfg) => (cfg ? Buffer.from(cfg).toString() : "");
const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
const start = (c, app = "app", profile = "prof") =>
  outcome(c.send(new StartConfigurationSessionCommand({ ApplicationIdentifier: app, EnvironmentIdentifier: "env", ConfigurationProfileIdentifier: profile })));
const get = (c, token) => outcome(c.send(new GetLatestConfigurationCommand({ ConfigurationToken: token })));

async function main() {
  const c = client();
  const label = process.env.AWS_SESSION_TOKEN ? " (AWS_SESSION_TOKEN set)" : "";
  const s = await start(c);
  check(s.value && s.value.InitialConfigurationToken, "start-configuration-session succeeds" + label + " " + (s.name || ""));
  if (!s.value) return;
  const first = await get(c, s.value.InitialConfigurationToken);
  check(first.value && text(first.value.Configuration) === '{"feature":"on"}', "the first poll has the configuration" + label + " " + (first.name || ""));
  if (!first.value || mode === "quick") return;
  check(first.value.ContentType === "application/json", "ContentType application/json");
  check(first.value.NextPollIntervalInSeconds === poll, "NextPollIntervalInSeconds is --poll-interval");
  check(Boolean(first.value.VersionLabel), "a VersionLabel");
  let token = first.value.NextPollConfigurationToken;

  const early = await get(c, token);
  check(early.name === "BadRequestException" && /Request too early/.test(early.message), "an early poll is BadRequestException 'Request too early' (" + early.name + ")");
  await sleep(poll + 0.2);
  const repeat = await get(c, token);
  check(repeat.value && text(repeat.value.Configuration) === "", "the repeat poll is empty (unchanged)");
  token = repeat.value ? repeat.value.NextPollConfigurationToken : "x";

  const garbage = await get(c, "AYADeBSdLwJd4UMbH3Wo+HiVcnQAXw==");
  check(garbage.name === "BadRequestException", "a made-up token is BadRequestException (" + garbage.name + ")");

  writeFileSync(configFile, '{"feature":"off"}');
  await sleep(poll + 0.2);
  const edited = await get(c, token);
  check(edited.value && text(edited.value.Configuration) === '{"feature":"off"}', "the edited file is served on the next poll");
  check(edited.value && edited.value.VersionLabel !== first.value.VersionLabel, "the VersionLabel changed");
  writeFileSync(configFile, '{"feature":"on"}');

  const wrong = await start(client({ credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: "wrong-secret",
                                                    sessionToken: process.env.AWS_SESSION_TOKEN } }));
  check(wrong.name === "InvalidSignatureException" && wrong.status === 403, "a wrong secret is InvalidSignatureException (" + wrong.name + ")");
  check(!String(wrong.message).includes("wrong-secret"), "the refusal does not echo the secret");
  const unknown = await start(c, "no-such-app");
  check(unknown.name === "ResourceNotFoundException", "an unknown application is ResourceNotFoundException (" + unknown.name + ")");
  const byExtension = await start(c, "app", "prof.json");
  check(byExtension.name === "ResourceNotFoundException", "profile prof.json is ResourceNotFoundException (" + byExtension.name + ")");
  const big = await start(c, "a".repeat(1024 * 1024));
  check(big.name === "RequestEntityTooLargeException" && big.status === 413, "a 1 MB body is RequestEntityTooLargeException 413 (" + big.name + ")");
}

main().then(
  () => process.exit(failed ? 1 : 0),
  (e) => {
    console.log("FAIL  unexpected error: " + e);
    process.exit(1);
  },
);
