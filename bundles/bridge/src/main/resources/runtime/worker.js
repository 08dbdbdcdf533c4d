// WebAccel worker page: runs ONNX models with ONNX Runtime Web for the pool.
//
// The page connects back to the bridge over one WebSocket, authenticated by the token in its own URL.
// Text frames carry JSON control messages; binary frames carry a request or result:
//   [u32 little-endian header length][header JSON, UTF-8][padding to 8][tensor bytes, each at an 8-aligned offset]
// Offsets in the header are from the start of the frame, so typed arrays view the frame without copying.
// A string tensor's bytes are its elements, each as its UTF-8 length (u32 little-endian) and then its UTF-8 bytes.

const params = new URLSearchParams(location.search);
// A backend may add settings after '#' (it cannot touch the query, which the bridge signs with the token).
const settings = new URLSearchParams(location.hash.slice(1));
const token = params.get('token');
const workerId = params.get('worker');
let ort;
let webnnDeviceType = null;

const TYPED = {
  float32: Float32Array, float16: Uint16Array, int64: BigInt64Array, int32: Int32Array,
  int8: Int8Array, uint8: Uint8Array, bool: Uint8Array, float64: Float64Array, int16: Int16Array,
  uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
};
const sessions = new Map();      // "name:version@ep" -> Promise<InferenceSession>
// Outputs kept for later requests of other models, by the id the pool gave them: id -> ort.Tensor.
// A 'cpu' tensor lives in this page's JavaScript memory and is copied into the wasm heap by each run that
// reads it; a 'gpu-buffer' tensor (webgpu) stays in its GPU buffer and WebGPU sessions read it in place.
const shared = new Map();
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let socket;
let runs = Promise.resolve();     // the chain of runs: each starts when the one before it has ended

function setState(text) {
  document.getElementById('state').textContent = text;
}

async function webgpuInfo() {
  if (!('gpu' in navigator)) {
    return { available: false, reason: 'navigator.gpu is not defined' };
  }
  try {
    // navigator.gpu exists even where no adapter can be had: only an adapter proves WebGPU.
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) {
      return { available: false, reason: 'requestAdapter() returned null' };
    }
    const info = adapter.info || {};
    const l = adapter.limits;
    return {
      available: true, vendor: info.vendor || '', architecture: info.architecture || '',
      description: info.description || '', fallback: Boolean(info.isFallbackAdapter || adapter.isFallbackAdapter),
      limits: {
        maxBufferSize: Number(l.maxBufferSize), maxStorageBufferBindingSize: Number(l.maxStorageBufferBindingSize),
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX, maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      },
    };
  } catch (e) {
    return { available: false, reason: String(e && e.message || e) };
  }
}

async function webnnInfo() {
  if (!('ml' in navigator)) {
    return { api: false, devices: {} };
  }
  const devices = {};
  for (const deviceType of ['cpu', 'gpu', 'npu']) {
    try {
      await navigator.ml.createContext({ deviceType });
      devices[deviceType] = 'ok';
    } catch (e) {
      devices[deviceType] = `${e.name}: ${e.message}`;
    }
  }
  return { api: true, devices };
}

function wasmSimd() {
  // The smallest module that uses a v128 instruction: validates only where SIMD is supported.
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
    65, 0, 253, 15, 253, 98, 11]);
  return WebAssembly.validate(bytes);
}

// ONNX Runtime Web comes in builds: the JSEP build adds the webnn execution provider but weighs more, so a
// page loads it only where WebNN can actually create a context.
async function loadRuntime(webnn) {
  const working = Object.entries(webnn.devices).filter(([, status]) => status === 'ok').map(([d]) => d);
  // The backend's configured device types, in its order of preference; without them, the fastest kind first.
  const preferred = (settings.get('webnnDeviceTypes') || 'gpu,npu,cpu').split(',').map((d) => d.trim());
  webnnDeviceType = preferred.find((d) => working.includes(d)) || null;
  ort = await import(webnnDeviceType ? './ort/ort.min.mjs' : './ort/ort.webgpu.min.mjs');
  ort.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
  ort.env.wasm.numThreads = Number(params.get('threads') || 1);
  ort.env.logLevel = 'error';
}

async function capabilities() {
  const webnn = await webnnInfo();
  await loadRuntime(webnn);
  return {
    userAgent: navigator.userAgent,
    ortVersion: ort.env.versions && ort.env.versions.web || 'unknown',
    webgpu: await webgpuInfo(),
    webnn,
    wasmSimd: wasmSimd(),
    wasmThreads: Boolean(self.crossOriginIsolated && typeof SharedArrayBuffer === 'function'),
    hardwareConcurrency: navigator.hardwareConcurrency || 1,
  };
}

// On webgpu, outputs to keep stay in GPU buffers: the output location is a session option, so a session whose
// outputs are kept is a session of its own.
function sessionKey(model, ep, gpuOutputs) {
  return gpuOutputs.length ? `${model}@${ep}#gpu-buffer:${gpuOutputs.join(',')}` : `${model}@${ep}`;
}

// externalData: [{path, url}] when the model keeps weights in files beside it; each path is the location its
// graph names, each url where the bridge serves that file.
function session(model, url, ep, gpuOutputs, externalData) {
  const key = sessionKey(model, ep, gpuOutputs);
  let s = sessions.get(key);
  if (!s) {
    const provider = ep === 'webnn' ? { name: 'webnn', deviceType: webnnDeviceType } : ep;
    if (ep === 'webnn' && !webnnDeviceType) {
      return Promise.reject(new Error('this page has no working WebNN device'));
    }
    const options = { executionProviders: [provider], graphOptimizationLevel: 'all' };
    if (gpuOutputs.length) {
      options.preferredOutputLocation = Object.fromEntries(gpuOutputs.map((name) => [name, 'gpu-buffer']));
    }
    if (externalData && externalData.length) {
      options.externalData = externalData.map((f) => ({ path: f.path, data: new URL(f.url, location.href).href }));
    }
    s = ort.InferenceSession.create(url, options);
    sessions.set(key, s);
    // A failed load must not poison later attempts.
    s.catch(() => sessions.delete(key));
  }
  return s;
}

// The model left the repository or changed: its sessions are released once the runs queued before this
// message have ended, so a run in progress keeps its session. The next run of a changed model loads it anew.
async function unloadModel(model) {
  for (const [key, s] of [...sessions]) {
    if (key.startsWith(`${model}@`)) {
      sessions.delete(key);
      try {
        await (await s).release();
      } catch (e) {
        // a session that failed to load has nothing to release
      }
    }
  }
}

function decodeFrame(buffer) {
  const view = new DataView(buffer);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(decoder.decode(new Uint8Array(buffer, 4, headerLength)));
  return header;
}

function decodeStrings(buffer, offset, length, count) {
  const view = new DataView(buffer, offset, length);
  const out = new Array(count);
  let p = 0;
  for (let i = 0; i < count; i++) {
    const n = view.getUint32(p, true);
    out[i] = decoder.decode(new Uint8Array(buffer, offset + p + 4, n));
    p += 4 + n;
  }
  return out;
}

function encodeStrings(strings) {
  const parts = strings.map((text) => encoder.encode(text));
  const out = new Uint8Array(parts.reduce((n, b) => n + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let p = 0;
  for (const b of parts) {
    view.setUint32(p, b.length, true);
    out.set(b, p + 4);
    p += 4 + b.length;
  }
  return out;
}

// The bytes a frame carries for a tensor's data (what getData() gave): a typed array as it is, strings encoded.
function wireBytes(type, data) {
  return type === 'string' ? encodeStrings(data) : data;
}

function tensorView(buffer, t) {
  if (t.dtype === 'string') {
    const count = t.shape.reduce((n, d) => n * d, 1);
    return new ort.Tensor('string', decodeStrings(buffer, t.offset, t.length, count), t.shape);
  }
  const Typed = TYPED[t.dtype];
  if (!Typed) {
    throw new Error(`unsupported dtype ${t.dtype}`);
  }
  const data = new Typed(buffer, t.offset, t.length / Typed.BYTES_PER_ELEMENT);
  return new ort.Tensor(t.dtype, data, t.shape);
}

function align8(n) {
  return (n + 7) & ~7;
}

function encodeFrame(header, arrays) {
  // Lay out the tensors first: their offsets go into the header, whose length decides the first offset.
  let headerBytes;
  let offsets;
  let total;
  let guess = 0;
  for (;;) {
    offsets = [];
    let pos = align8(4 + guess);
    for (const a of arrays) {
      offsets.push(pos);
      pos = align8(pos + a.byteLength);
    }
    total = pos;
    header.outputs.forEach((o, i) => { o.offset = offsets[i]; o.length = arrays[i].byteLength; });
    headerBytes = encoder.encode(JSON.stringify(header));
    if (align8(4 + headerBytes.length) === align8(4 + guess)) {
      break;
    }
    guess = headerBytes.length;
  }
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  arrays.forEach((a, i) => out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offsets[i]));
  return out.buffer;
}

function byteSize(t) {
  if (t.type === 'string') {
    return t.location === 'cpu' ? encodeStrings(t.data).byteLength : 0;
  }
  const Typed = TYPED[t.type];
  return t.dims.reduce((n, d) => n * Number(d), 1) * (Typed ? Typed.BYTES_PER_ELEMENT : 0);
}

function dropShared(id) {
  const t = shared.get(id);
  shared.delete(id);
  if (t && t.location === 'gpu-buffer') {
    t.dispose();
  }
}

async function sharedInput(ref, ep) {
  const t = shared.get(ref.id);
  if (!t) {
    const e = new Error(`shared tensor ${ref.id} for input '${ref.name}' is not held by this page`);
    e.name = 'SharedTensorMissing';
    throw e;
  }
  // A GPU buffer feeds only WebGPU sessions; the other providers read a CPU copy.
  return t.location === 'gpu-buffer' && ep !== 'webgpu' ? new ort.Tensor(t.type, await t.getData(), t.dims) : t;
}

// Sends the pool the bytes of tensors this page keeps, so that it can move them to another page: one result
// frame whose outputs are named by tensor id. Answered at once, not behind queued runs.
async function fetchShared(req) {
  try {
    const outputs = [];
    const arrays = [];
    for (const id of req.ids) {
      const t = shared.get(id);
      if (!t) {
        const e = new Error(`shared tensor ${id} is not held by this page`);
        e.name = 'SharedTensorMissing';
        throw e;
      }
      outputs.push({ name: id, dtype: t.type, shape: t.dims.map(Number) });
      arrays.push(wireBytes(t.type, await t.getData()));
    }
    socket.send(encodeFrame({ type: 'result', id: req.id, computeMs: 0, loadMs: 0, outputs, kept: [] }, arrays));
  } catch (e) {
    socket.send(JSON.stringify({
      type: 'error', id: req.id, stage: 'fetch', name: String(e && e.name || ''), message: String(e && e.message || e),
    }));
  }
}

// A copy of an input, for the page to keep: the frame it came in is not kept alive for it.
function adopted(t) {
  return new ort.Tensor(t.type, t.data.slice(), t.dims);
}

// receivedAt: performance.now() when the frame's message event began.
async function run(buffer, receivedAt) {
  const startedAt = performance.now();
  const req = decodeFrame(buffer);
  const keep = new Map((req.keep || []).map((k) => [k.name, k.id]));
  const storedIds = [];
  let loadMs = 0;
  let stage = 'load';
  try {
    const t0 = performance.now();
    const gpuOutputs = req.ep === 'webgpu' ? [...keep.keys()].sort() : [];
    const cached = sessions.has(sessionKey(req.model, req.ep, gpuOutputs));
    const s = await session(req.model, req.url, req.ep, gpuOutputs, req.externalData);
    if (!cached) {
      loadMs = performance.now() - t0;
    }
    stage = 'run';
    const feeds = {};
    for (const t of req.inputs) {
      feeds[t.name] = tensorView(buffer, t);
    }
    for (const ref of req.refs || []) {
      feeds[ref.name] = await sharedInput(ref, req.ep);
    }
    const t1 = performance.now();
    const results = await s.run(feeds);
    const ran = performance.now();
    const kept = [];
    for (const [name, id] of keep) {
      const t = results[name];
      if (!t) {
        throw new Error(`model ${req.model} has no output '${name}' to keep`);
      }
      dropShared(id);
      shared.set(id, t);
      storedIds.push(id);
      kept.push({ name, id, dtype: t.type, shape: t.dims.map(Number), bytes: byteSize(t), location: t.location });
    }
    // Inputs the pool moved here from another page stay here under their ids, as if computed here.
    for (const a of req.adopt || []) {
      dropShared(a.id);
      shared.set(a.id, adopted(feeds[a.name]));
      storedIds.push(a.id);
    }
    const names = (req.outputs && req.outputs.length ? req.outputs : s.outputNames).filter((n) => !keep.has(n));
    const outputs = [];
    const arrays = [];
    for (const name of names) {
      const t = results[name];
      // getData() downloads GPU-resident outputs; for CPU outputs it is the data itself.
      const data = await t.getData();
      outputs.push({ name, dtype: t.type, shape: t.dims.map(Number) });
      arrays.push(wireBytes(t.type, data));
    }
    const read = performance.now();
    const computeMs = read - t1;
    // Where the page's part of the round trip went (the frame's own encoding and sending are not counted here).
    const stages = {
      queue: startedAt - receivedAt, prepare: Math.max(0, t1 - startedAt - loadMs), run: ran - t1, read: read - ran,
    };
    socket.send(encodeFrame({ type: 'result', id: req.id, computeMs, loadMs, stages, outputs, kept }, arrays));
  } catch (e) {
    // A failed request keeps nothing: the pool never learns of tensors it did not get a result for.
    storedIds.forEach(dropShared);
    socket.send(JSON.stringify({
      type: 'error', id: req.id, stage, name: String(e && e.name || ''), message: String(e && e.message || e), loadMs,
    }));
  }
}

// Faults the bridge asks for in fault-injection tests (it sends them only when configured to).
function injectFault(kind) {
  if (kind === 'busy-loop') {
    setState('busy loop');
    setTimeout(() => { for (;;) { /* never yields: the page stops answering */ } }, 0);
  } else if (kind === 'close-socket') {
    socket.close(4000, 'fault injected: close-socket');
  }
}

// Starts ONNX Runtime Web's wasm backend (fetching, compiling and instantiating its module) before the page
// says hello, so that the first request's session creation does not pay for it. A session of two bytes that are
// no model gets that far and then fails, as expected.
async function warmWasm() {
  try {
    await ort.InferenceSession.create(new Uint8Array([8, 7]), { executionProviders: ['wasm'] });
  } catch (e) {
    // expected: not a model
  }
}

async function main() {
  const caps = await capabilities();
  await warmWasm();
  const wsUrl = new URL(`../ws?token=${encodeURIComponent(token)}`, location.href);
  wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(wsUrl);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    socket.send(JSON.stringify({ type: 'hello', worker: workerId, capabilities: caps }));
    setState('connected');
  };
  socket.onmessage = (event) => {
    if (typeof event.data === 'string') {
      const msg = JSON.parse(event.data);
      if (msg.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong', t: msg.t }));
      } else if (msg.type === 'release') {
        msg.ids.forEach(dropShared);
      } else if (msg.type === 'unload') {
        runs = runs.then(() => unloadModel(msg.model));
      } else if (msg.type === 'fault') {
        injectFault(msg.kind);
      }
      return;
    }
    // Requests run one after another, in the order they came: the pool may send the next one while one runs
    // (pipelining), and it waits here meanwhile.
    const receivedAt = performance.now();
    const data = event.data;
    const header = decodeFrame(data);
    if (header.type === 'fetch') {
      fetchShared(header);
      return;
    }
    runs = runs.then(() => run(data, receivedAt)).catch((e) => setState(`run failed: ${e && e.message || e}`));
  };
  socket.onclose = () => setState('disconnected');
}

main().catch((e) => setState(`failed: ${e && e.message || e}`));
