// sewerplan custom functions for Office.js (Excel on the web, Mac and Windows).
// Written for sewerplan (MIT); speaks the request format of xlwings' custom-functions
// endpoint: POST {client, func_name, args, caller_address, version, runtime, ...} and
// receives {"result": [[...]]}. HTTP 400 carries a readable message (shown on the cell's
// error flag, not retried); other failures are retried up to MAX_TRIES times.
// The server appends one `async function NAME()` + CustomFunctions.associate per function.

const SEWERPLAN_CALL_PATH = "placeholder_custom_functions_call_path";
const SEWERPLAN_XLWINGS_VERSION = "placeholder_xlwings_version";
const SEWERPLAN_TOKEN_KEY = "sewerplan_token";
const MAX_TRIES = 3;
const RETRY_STATUS = [500, 502, 503];  // not 504: a calculation that timed out would time out again

async function sewerplanToken() {
  try {
    if (typeof OfficeRuntime !== "undefined" && OfficeRuntime.storage) {
      const t = await OfficeRuntime.storage.getItem(SEWERPLAN_TOKEN_KEY);
      if (t) return t;
    }
  } catch (e) { /* storage not available: fall back */ }
  try { return window.localStorage.getItem(SEWERPLAN_TOKEN_KEY) || ""; } catch (e) { return ""; }
}

function sewerplanRuntime() {
  const sets = ["1.4", "1.3", "1.2", "1.1"];
  for (const v of sets) {
    if (Office.context.requirements.isSetSupported("CustomFunctionsRuntime", v)) return v;
  }
  return "1.1";
}

function sewerplanError(message) {
  return new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue, String(message).slice(0, 250));
}

async function base(funcName, ...args) {
  const invocation = args.pop(); // requiresAddress: Excel passes the invocation last
  const body = {
    client: "Office.js",
    func_name: funcName,
    args: args,
    caller_address: invocation && invocation.address ? invocation.address : null,
    culture_info_name: Office.context.contentLanguage || null,
    date_format: null,
    version: SEWERPLAN_XLWINGS_VERSION,
    runtime: sewerplanRuntime(),
  };
  let lastError = "";
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    let response;
    try {
      response = await fetch(window.location.origin + SEWERPLAN_CALL_PATH, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: await sewerplanToken() },
        body: JSON.stringify(body),
      });
    } catch (e) {
      lastError = "서버에 연결할 수 없습니다 / cannot reach the server: " + e;
      continue;
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text).result;
    lastError = text || response.statusText;
    if (!RETRY_STATUS.includes(response.status)) break;
  }
  throw sewerplanError(lastError);
}

