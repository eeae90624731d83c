'use strict';
// Visage's page: identify a photo, show the model in service, run training jobs (admin). No framework, no build.

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'visage.adminToken';
const POLL_MILLIS = 1000;

const percent = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
const fixed = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const personName = (name) => String(name).replaceAll('_', ' ');
const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Creates an element with properties and children: el('li', {className: 'x'}, 'text', child). */
function el(tag, properties = {}, ...children) {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children);
  return element;
}

function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

/** Ends a server-written detail with a full stop, so it reads as a sentence after our own text. */
function sentence(text) {
  return text ? ` ${text}${/[.!?]$/.test(text) ? '' : '.'}` : '';
}

function seconds(value) {
  if (!Number.isFinite(value)) return '';
  const total = Math.max(0, Math.round(value));
  return total < 60 ? `${total} s` : `${Math.floor(total / 60)} min ${total % 60} s`;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110). */
function retryAfterSeconds(header) {
  if (!header) return null;
  const wait = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(wait) ? Math.max(1, Math.round(wait)) : null;
}

/**
 * Calls the API and reads JSON (answers and RFC 9457 problems alike). Resolves whatever the status; rejects only
 * when the service cannot be reached.
 */
async function request(url, options = {}) {
  const response = await fetch(url, {
    ...options,
    headers: { Accept: 'application/json, application/problem+json', ...options.headers },
  });
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json().catch(() => null) : null;
  return {
    ok: response.ok, status: response.status, body: body || {},
    retryAfter: retryAfterSeconds(response.headers.get('Retry-After')),
  };
}

const UNREACHABLE = 'The service cannot be reached. Check that it is running, then try again.';
const LOST_CONTACT = 'Lost contact with the service; still trying.';

// ---------------------------------------------------------------------------------------------------- Identify

let identifyRetry;

function identifyError({ status, body, retryAfter }) {
  switch (status) {
    case 400: return `That file is empty or not an image that can be read.${sentence(body.detail)}`;
    case 413: return `That image is too large.${sentence(body.detail)} Try a smaller one.`;
    case 415: return `That type of image is not supported.${sentence(body.detail)}`;
    case 503:
      return body.type?.endsWith('/no-model')
        ? `No model is ready yet: training may be running. Trying again in ${seconds(retryAfter)}.`
        : `The service is busy.${sentence(body.detail)} Trying again in ${seconds(retryAfter)}.`;
    default: return `Identification failed (HTTP ${status}).${sentence(body.detail || body.title)}`;
  }
}

async function identify(file) {
  clearTimeout(identifyRetry);
  const status = $('identify-status');
  setStatus(status, `Identifying ${file.name}…`);
  const form = new FormData();
  form.append('image', file);
  let result;
  try {
    result = await request('identify?crop=true&top=5', { method: 'POST', body: form });
  } catch {
    setStatus(status, UNREACHABLE, true);
    return;
  }
  if (result.ok) {
    setStatus(status, '');
    showAnswer(file, result.body);
    return;
  }
  $('identify-result').hidden = true;
  if (result.status === 503) {
    result.retryAfter ??= 30;
    identifyRetry = setTimeout(() => identify(file), result.retryAfter * 1000);
  }
  setStatus(status, identifyError(result), true);
}

function bar(label, probability, className = '') {
  const fill = el('span', { className: 'fill' });
  fill.style.width = percent(probability);
  return el('li', { className },
    el('span', { className: 'name', title: label }, label),
    el('span', { className: 'track', ariaHidden: 'true' }, fill),
    el('span', { className: 'value' }, percent(probability)));
}

function showAnswer(file, answer) {
  const preview = $('preview');
  // Object URLs hold the file in memory until revoked.
  if (preview.src.startsWith('blob:')) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);

  preview.onload = () => drawFaces(preview, answer.faces || []);
  listFaces(answer);

  const crop = $('face-crop');
  crop.closest('figure').hidden = !answer.faceCrop;
  crop.src = answer.faceCrop || '';

  const person = $('answer-person');
  person.textContent = answer.known ? personName(answer.person) : 'Unknown';
  person.classList.toggle('unknown', !answer.known);
  if (answer.reason) {
    $('answer-confidence').textContent = `No one identified: ${answer.reason}.`;
  } else {
    $('answer-confidence').textContent = answer.known
      ? `${percent(answer.confidence)} probability (the largest face)`
      : `Not sure enough: the most likely person has ${percent(answer.confidence)}.`;
  }

  const candidates = (answer.candidates || []).map((c) => bar(personName(c.person), c.probability));
  if (answer.otherProbability >= 0.0005) candidates.push(bar('Everyone else', answer.otherProbability, 'other'));
  $('candidates').replaceChildren(...candidates);

  $('answer-meta').textContent = `Model ${answer.modelVersion} · ${fixed(answer.timeMillis, 0)} ms`;
  $('identify-result').hidden = false;
}

function faceLabel(face) {
  if (!face.person) return face.reason;
  return face.known ? `${personName(face.person)} ${percent(face.confidence)}` : `Unknown (${percent(face.confidence)})`;
}

function faceClass(face) {
  if (!face.person) return 'skipped';
  return face.known ? '' : 'unknown';
}

// Boxes in the photo's own pixels: the SVG's view box is the photo, so they scale with it.
function drawFaces(image, faces) {
  const svg = $('face-boxes');
  const width = image.naturalWidth;
  const height = image.naturalHeight;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 250));
  const shapes = faces.flatMap((face, index) => {
    const { x, y, width: w, height: h } = face.box;
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    Object.entries({ x, y, width: w, height: h, 'stroke-width': stroke }).forEach(([k, v]) => rect.setAttribute(k, v));
    rect.setAttribute('class', faceClass(face));
    const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    text.setAttribute('x', x);
    text.setAttribute('y', Math.max(y - stroke * 2, stroke * 6));
    text.setAttribute('font-size', stroke * 7);
    text.setAttribute('stroke-width', stroke);
    text.textContent = `${index + 1}. ${faceLabel(face)}`;
    return [rect, text];
  });
  svg.replaceChildren(...shapes);
}

function listFaces(answer) {
  const faces = answer.faces || [];
  $('faces-caption').textContent = faces.length === 1 ? 'Your photo: 1 face'
    : faces.length ? `Your photo: ${faces.length} faces` : `Your photo: ${answer.reason || 'no face found'}`;
  $('faces').replaceChildren(...faces.map((face) => el('li', {}, faceLabel(face))));
}

function setUpIdentify() {
  const input = $('photo');
  const zone = $('drop-zone');
  input.addEventListener('change', () => {
    if (input.files.length) identify(input.files[0]);
    // Cleared so that picking the same file again identifies it again.
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer.files.length) identify(event.dataTransfer.files[0]);
  });
  // A photo dropped beside the zone would otherwise replace the page with the image.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
}

// ------------------------------------------------------------------------------------------------------- Model

let modelRetry;

async function loadModel() {
  clearTimeout(modelRetry);
  const status = $('model-status');
  let result;
  try {
    result = await request('model');
  } catch {
    setStatus(status, UNREACHABLE, true);
    return;
  }
  if (result.ok) {
    setStatus(status, '');
    renderModel(result.body);
    return;
  }
  $('model-details').hidden = true;
  if (result.status === 503) {
    const wait = result.retryAfter ?? 30;
    // The detail says why: the first model may be training (see Training below), or its training failed.
    setStatus(status, `${result.body.detail || 'No model yet.'} Checking again in ${seconds(wait)}.`);
    modelRetry = setTimeout(loadModel, wait * 1000);
  } else {
    setStatus(status, `Cannot read the model (HTTP ${result.status}).${sentence(result.body.detail)}`, true);
  }
}

function renderModel(model) {
  const metrics = model.metrics || {};
  const test = metrics.test || {};
  const people = model.people || [];
  const architecture = model.architecture || {};
  const side = (model.inputShape || []).slice(1).join('×');

  $('model-summary').textContent = [
    `Version ${model.version}`,
    model.trainedAt && `trained ${new Date(model.trainedAt).toLocaleString()}`,
    architecture.channels && `convolutions ${architecture.channels.join(' → ')}`
      + `${architecture.batchNorm ? ' with batch norm' : ''}, ${architecture.hiddenUnits} hidden units`,
    side && `${side} input`,
    metrics.parameterCount && `${metrics.parameterCount.toLocaleString()} parameters`,
  ].filter(Boolean).join(' · ');

  const figures = [
    ['Test accuracy', percent(metrics.testAccuracy ?? test.accuracy)],
    ['Balanced accuracy', percent(metrics.balancedAccuracy ?? test.balancedAccuracy)],
    ['Macro-F1', fixed(metrics.macroF1 ?? test.macroF1)],
    ['Test photos with no face found', test.noFace ?? '–'],
    ['People', people.length],
    ['Best epoch', metrics.bestEpoch ? `${metrics.bestEpoch} of ${metrics.epochs}` : '–'],
    ['Training images', metrics.trainImages?.toLocaleString() ?? '–'],
  ];
  const openSet = metrics.openSet;
  figures.push(['"Unknown" below confidence', fixed(model.minConfidence, 3)]);
  if (openSet) {
    figures.push(
      ['Strangers answered "unknown"', percent(openSet.strangersUnknown)],
      ['People answered right', percent(openSet.knownCorrect)],
      ['Stranger AUROC', fixed(openSet.auroc, 3)],
    );
  }
  $('model-figures').replaceChildren(...figures.map(([name, value]) =>
    el('div', {}, el('dt', {}, name), el('dd', {}, String(value)))));

  $('model-people').replaceChildren(...people.map((name) => el('li', {}, personName(name))));

  $('per-person').tBodies[0].replaceChildren(...(test.perPerson || []).map((p) => el('tr', {},
    el('th', { scope: 'row' }, personName(p.person)),
    el('td', {}, fixed(p.precision, 2)), el('td', {}, fixed(p.recall, 2)), el('td', {}, fixed(p.f1, 2)),
    el('td', {}, String(p.support)))));

  renderConfusion(people.map(personName), test.confusionMatrix || []);
  $('model-details').hidden = false;
}

/**
 * The confusion matrix as a table, so screen readers can walk it by row and column; each cell's shade is its
 * share of the row (diagonal: correct, elsewhere: confusions) and its title/label spells the cell out.
 */
function renderConfusion(names, matrix) {
  const corner = el('th', { scope: 'col', className: 'axis' }, 'True ↓ / Predicted →');
  const head = el('thead', {}, el('tr', {}, corner,
    ...names.map((name) => el('th', { scope: 'col', title: name }, el('span', { className: 'column-name' }, name)))));
  const rows = matrix.map((row, t) => {
    const total = row.reduce((sum, n) => sum + n, 0);
    return el('tr', {}, el('th', { scope: 'row', title: names[t] }, names[t]), ...row.map((count, p) => {
      const share = total ? count / total : 0;
      const label = `True ${names[t]}, predicted ${names[p]}: ${count} of ${total} test images (${percent(share)})`;
      const cell = el('td', { title: label, ariaLabel: label }, String(count));
      cell.style.background = share ? `rgba(var(${t === p ? '--heat-hit' : '--heat-miss'}), ${0.12 + 0.88 * share})`
        : '';
      cell.classList.toggle('dark', share > 0.5);
      return cell;
    }));
  });
  $('confusion').replaceChildren(head, el('tbody', {}, ...rows));
}

// ---------------------------------------------------------------------------------------------------- Training

const tokenInput = $('admin-token');
const trainStatus = $('train-status');
let followed; // id of the job on show
let pollTimer;
let shownJob; // the last job drawn, to redraw its charts when the page is resized
let announced = '';

const token = () => tokenInput.value.trim();
const authorization = () => ({ Authorization: `Bearer ${token()}` });
const isActive = (state) => state === 'QUEUED' || state === 'RUNNING';

function askForToken(body = {}) {
  setStatus(trainStatus, `The admin token is missing or wrong: enter it above.${sentence(body.detail)}`, true);
  tokenInput.focus();
}

async function startTraining(event) {
  event.preventDefault();
  if (!token()) {
    askForToken();
    return;
  }
  const settings = {};
  for (const input of event.target.querySelectorAll('input')) {
    if (input.value !== '') settings[input.name] = Number(input.value);
  }
  if ($('promote').value !== 'auto') settings.promote = $('promote').value;
  let result;
  try {
    result = await request('train', {
      method: 'POST', headers: { ...authorization(), 'Content-Type': 'application/json' },
      body: JSON.stringify(settings),
    });
  } catch {
    setStatus(trainStatus, UNREACHABLE, true);
    return;
  }
  if (result.status === 202) {
    setStatus(trainStatus, '');
    follow(result.body);
  } else if (result.status === 401) {
    askForToken(result.body);
  } else if (result.status === 409 && result.body.jobId) {
    setStatus(trainStatus, `A training job is already ${String(result.body.state || 'running').toLowerCase()}; `
      + `one runs at a time. Following job ${result.body.jobId}.`);
    follow({ id: result.body.jobId });
  } else {
    setStatus(trainStatus, `Training was not started (HTTP ${result.status}).${sentence(result.body.detail)}`, true);
  }
}

function follow(job) {
  followed = job.id;
  if (job.state) showJob(job);
  poll();
}

/** Shows a job; once the job on show has ended, clears the messages about it, and shows a new model. */
function showJob(job) {
  const ended = shownJob?.id === job.id && isActive(shownJob.state) && !isActive(job.state);
  renderJob(job);
  if (ended) {
    setStatus(trainStatus, '');
    // A job reports success only once its model is in service (if it was promoted).
    if (job.state === 'SUCCEEDED') {
      loadModel();
      if (!$('versions-details').hidden) loadVersions();
    }
  }
}

async function poll() {
  clearTimeout(pollTimer);
  const id = followed;
  let result;
  try {
    result = await request(`train/${encodeURIComponent(id)}`, { headers: authorization() });
  } catch {
    setStatus(trainStatus, LOST_CONTACT, true);
    pollTimer = setTimeout(poll, 5 * POLL_MILLIS);
    return;
  }
  if (id !== followed) return; // another job was started or followed meanwhile
  if (trainStatus.textContent === LOST_CONTACT) setStatus(trainStatus, '');
  if (result.status === 401) {
    askForToken(result.body);
  } else if (!result.ok) {
    setStatus(trainStatus, `Cannot read training job ${id} (HTTP ${result.status}).${sentence(result.body.detail)}`,
      true);
  } else {
    showJob(result.body);
    if (isActive(result.body.state)) pollTimer = setTimeout(poll, POLL_MILLIS);
  }
}

/** On load or a new token: shows the newest job, and follows it while it runs (say, the start-up training). */
async function showLatestJob() {
  if (!token()) return;
  const before = followed;
  try {
    const result = await request('train', { headers: authorization() });
    if (result.status === 401) askForToken(result.body);
    const latest = Array.isArray(result.body) ? result.body[0] : null;
    // Unless a job was started meanwhile: this list may predate it.
    if (latest && followed === before) {
      followed = latest.id;
      showJob(latest);
      if (isActive(latest.state)) poll();
    }
  } catch {
    setStatus(trainStatus, UNREACHABLE, true);
  }
}

async function cancelJob() {
  let result;
  try {
    result = await request(`train/${encodeURIComponent(followed)}`, { method: 'DELETE', headers: authorization() });
  } catch {
    setStatus(trainStatus, UNREACHABLE, true);
    return;
  }
  if (result.ok) {
    setStatus(trainStatus, 'Cancellation requested; the job stops after its current batch.');
    showJob(result.body);
  } else if (result.status === 401) {
    askForToken(result.body);
  } else {
    setStatus(trainStatus, `Not cancelled (HTTP ${result.status}).${sentence(result.body.detail)}`, true);
  }
}

function stageText(job) {
  switch (job.state) {
    case 'SUCCEEDED': {
      const r = job.result || {};
      const figures = `test accuracy ${percent(r.testAccuracy)}, balanced accuracy ${percent(r.balancedAccuracy)}, `
        + `macro-F1 ${fixed(r.macroF1)}`;
      return r.promoted === false
        ? `Model ${r.modelVersion} (${figures}) was kept as a candidate, not put in service:${sentence(r.promotion)}`
        : `Model ${r.modelVersion} is now in service: ${figures}.`;
    }
    case 'FAILED': return `Failed: ${job.error || 'no reason given'}`;
    case 'CANCELLED': return 'Cancelled; the model in service is unchanged.';
    case 'QUEUED': return 'Waiting to start.';
    default: return job.stageDetail || (job.stage ? personName(job.stage).toLowerCase() : '');
  }
}

function renderJob(job) {
  shownJob = job;
  const history = job.history || [];
  const last = history[history.length - 1];
  const active = isActive(job.state);
  const state = String(job.state || 'queued').toLowerCase();

  $('job').hidden = false;
  $('job-state').textContent = state;
  $('job-state').className = `state ${state}`;
  $('job-stage').textContent = stageText(job);
  $('job-progress').value = Math.min(1, Math.max(0, job.progress || 0));
  $('job-progress-label').textContent = job.epoch
    ? `Epoch ${job.epoch} of ${job.epochs}, batch ${job.batch} of ${job.batches} · ${percent(job.progress || 0)}`
    : `Progress ${percent(job.progress || 0)}`;
  $('job-figures').textContent = [
    last && `After epoch ${last.epoch}: loss ${fixed(last.trainLoss)}, train accuracy ${percent(last.trainAccuracy)}, `
      + `validation accuracy ${percent(last.validationAccuracy)}`,
    active && Number.isFinite(job.etaSeconds) && `about ${seconds(job.etaSeconds)} left`,
  ].filter(Boolean).join(' · ');
  $('job-cancel').hidden = !active;
  $('job-cancel').disabled = Boolean(job.cancelRequested);
  $('train-start').disabled = active;

  // Announced once per state or epoch, not on every poll, so screen readers are not flooded.
  const announcement = `Training job ${state}${last ? `, epoch ${last.epoch} of ${last.epochs} done` : ''}.`;
  if (announcement !== announced) {
    announced = announcement;
    $('job-announce').textContent = announcement;
  }
  drawCharts(job);
}

// ------------------------------------------------------------------------------------------------------ Charts

function drawCharts(job) {
  const history = job.history || [];
  const epochs = Math.max(job.epochs || 0, history.length, 2);
  const at = (key) => history.map((e) => ({ x: e.epoch, y: e[key] }));
  const loss = at('trainLoss');
  drawChart($('loss-chart'), epochs, [{ points: loss, color: cssVar('--series-loss') }],
    Math.max(0.1, ...loss.map((p) => p.y)) * 1.1, (y) => y.toFixed(2));
  drawChart($('accuracy-chart'), epochs, [
    { points: at('trainAccuracy'), color: cssVar('--series-train') },
    { points: at('validationAccuracy'), color: cssVar('--series-validation') },
  ], 1, (y) => `${Math.round(100 * y)}%`);

  const last = history[history.length - 1];
  $('loss-chart').ariaLabel = last
    ? `Training loss by epoch, from ${fixed(history[0].trainLoss)} at epoch 1 to ${fixed(last.trainLoss)} at epoch ${last.epoch}`
    : 'Training loss by epoch: no epoch finished yet';
  $('accuracy-chart').ariaLabel = last
    ? `Accuracy by epoch; at epoch ${last.epoch}: train ${percent(last.trainAccuracy)}, `
      + `validation ${percent(last.validationAccuracy)}`
    : 'Accuracy by epoch: no epoch finished yet';
}

/** A line chart of epochs 1..epochs against 0..yMax, drawn sharp at the screen's pixel ratio. */
function drawChart(canvas, epochs, series, yMax, format) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);

  const box = { left: 44, right: width - 12, top: 12, bottom: height - 26 };
  const x = (epoch) => box.left + (box.right - box.left) * (epoch - 1) / (epochs - 1);
  const y = (value) => box.bottom - (box.bottom - box.top) * Math.min(value, yMax) / yMax;

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = cssVar('--muted');
  g.strokeStyle = cssVar('--line');
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const value = yMax * i / 4;
    g.beginPath();
    g.moveTo(box.left, Math.round(y(value)) + 0.5);
    g.lineTo(box.right, Math.round(y(value)) + 0.5);
    g.stroke();
    g.fillText(format(value), box.left - 6, y(value));
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const step = Math.max(1, Math.ceil(epochs / 8));
  for (let epoch = 1; epoch <= epochs; epoch += step) g.fillText(String(epoch), x(epoch), box.bottom + 6);

  for (const { points, color } of series) {
    g.strokeStyle = color;
    g.fillStyle = color;
    g.lineWidth = 2;
    g.beginPath();
    points.forEach((p, i) => (i ? g.lineTo(x(p.x), y(p.y)) : g.moveTo(x(p.x), y(p.y))));
    g.stroke();
    for (const p of points) {
      g.beginPath();
      g.arc(x(p.x), y(p.y), 2.5, 0, 2 * Math.PI);
      g.fill();
    }
  }
}

function setUpTraining() {
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
  tokenInput.addEventListener('change', () => {
    if (token()) sessionStorage.setItem(TOKEN_KEY, token());
    else sessionStorage.removeItem(TOKEN_KEY);
    setStatus(trainStatus, '');
    showLatestJob();
  });
  $('train-form').addEventListener('submit', startTraining);
  $('job-cancel').addEventListener('click', cancelJob);
  window.addEventListener('resize', () => shownJob && drawCharts(shownJob));
  showLatestJob();
}

// ---------------------------------------------------------------------------------------------- Model versions

const versionsStatus = $('versions-status');
const STATUS_TEXT = {
  current: 'current', previous: 'previous (roll-back target)', retired: 'served before', candidate: 'candidate',
  rejected: 'rejected',
};

/** Calls an admin model endpoint; on success shows the versions it returns. */
async function versionsRequest(url, options, done) {
  if (!token()) {
    setStatus(versionsStatus, 'Enter the admin token under Training first.', true);
    tokenInput.focus();
    return;
  }
  let result;
  try {
    result = await request(url, { ...options, headers: authorization() });
  } catch {
    setStatus(versionsStatus, UNREACHABLE, true);
    return;
  }
  if (result.status === 401) {
    setStatus(versionsStatus, `The admin token is missing or wrong.${sentence(result.body.detail)}`, true);
  } else if (!result.ok) {
    setStatus(versionsStatus, `Not done (HTTP ${result.status}).${sentence(result.body.reason || result.body.detail)}`,
      true);
  } else {
    setStatus(versionsStatus, done || '');
    if (result.status === 204) loadVersions(done);
    else renderVersions(result.body);
    if (options.method === 'POST') loadModel();
  }
}

function loadVersions(message) {
  versionsRequest('models', { method: 'GET' }, typeof message === 'string' ? message : '');
}

function promoteVersion(version) {
  versionsRequest(`models/${encodeURIComponent(version)}/promote`, { method: 'POST' },
    `Model ${version} passed its self-test and is now current; other instances follow within seconds.`);
}

function deleteVersion(version) {
  if (!window.confirm(`Delete model ${version} from the store?`)) return;
  versionsRequest(`models/${encodeURIComponent(version)}`, { method: 'DELETE' }, `Model ${version} was deleted.`);
}

function rollBack() {
  versionsRequest('models/rollback', { method: 'POST' }, 'Rolled back; other instances follow within seconds.');
}

function renderVersions(view) {
  const rows = (view.versions || []).map((v) => {
    const actions = el('td', { className: 'actions' });
    if (v.status !== 'current') {
      if (!v.trainedOnErasedPeople) {
        actions.append(el('button', { className: 'button secondary', type: 'button', textContent: 'Promote',
          onclick: () => promoteVersion(v.version) }));
      }
      if (!v.serving) {
        actions.append(el('button', { className: 'button secondary', type: 'button', textContent: 'Delete',
          onclick: () => deleteVersion(v.version) }));
      }
    }
    const status = `${STATUS_TEXT[v.status] || v.status}${v.serving ? ', serving here' : ''}`
      + (v.trainedOnErasedPeople ? ', trained on erased people' : '');
    return el('tr', { className: v.status },
      el('th', { scope: 'row' }, v.version), el('td', {}, status), el('td', {}, percent(v.testAccuracy)),
      el('td', {}, percent(v.balancedAccuracy)), el('td', {}, fixed(v.macroF1)),
      el('td', {}, v.people == null ? '–' : String(v.people)), el('td', { className: 'note' }, v.note || ''),
      actions);
  });
  $('versions-table').tBodies[0].replaceChildren(...rows);
  const lock = view.trainingLock;
  $('versions-summary').textContent = [
    `Current: ${view.current || 'none'}`,
    view.serving !== view.current && `this instance serves ${view.serving || 'nothing'}`,
    lock && `training on ${lock.owner}${lock.stale ? ' (stale lock)' : ''}`,
  ].filter(Boolean).join(' · ');
  const rollback = $('versions-rollback');
  rollback.hidden = !view.rollbackTarget;
  rollback.textContent = `Roll back to ${view.rollbackTarget}`;
  $('versions-details').hidden = false;
}

function setUpVersions() {
  $('versions-load').addEventListener('click', () => loadVersions());
  $('versions-rollback').addEventListener('click', rollBack);
}

setUpIdentify();
setUpTraining();
setUpVersions();
loadModel();

// ------------------------------------------------------------------------------------------------------ People

const peopleStatus = $('people-status');

/** Calls the people API with the admin token; null when there is no token or the service cannot be reached. */
async function peopleRequest(url, options = {}) {
  if (!token()) {
    setStatus(peopleStatus, 'Enter the admin token under Training first.', true);
    tokenInput.focus();
    return null;
  }
  try {
    const result = await request(url, { ...options, headers: { ...authorization(), ...options.headers } });
    if (result.status === 401) {
      setStatus(peopleStatus, `The admin token is missing or wrong.${sentence(result.body.detail)}`, true);
      return null;
    }
    return result;
  } catch {
    setStatus(peopleStatus, UNREACHABLE, true);
    return null;
  }
}

async function loadPeople(message = '') {
  const result = await peopleRequest('people');
  if (!result) return;
  if (!result.ok) {
    setStatus(peopleStatus, `Cannot list the people (HTTP ${result.status}).${sentence(result.body.detail)}`, true);
    return;
  }
  const people = result.body.people || [];
  setStatus(peopleStatus, message || (people.length ? '' : 'Nobody is enrolled yet.'));
  $('people-list').replaceChildren(...people.map(personItem));
}

function personItem(person) {
  const crops = el('ul', { className: 'crops', ariaLabel: `Photos of ${person.name}` });
  const input = el('input', { type: 'file', multiple: true, className: 'visually-hidden', id: `photos-${person.id}`,
    accept: 'image/jpeg,image/png,image/bmp,image/gif' });
  const count = el('span', { className: 'muted small photo-count' }, photoCount(person.photos));
  const zone = el('div', { className: 'drop-zone small-zone' }, input,
    el('label', { htmlFor: input.id, className: 'button secondary' }, 'Add photos'),
    el('span', { className: 'hint' }, ' or drop them here'));
  const item = el('li', { className: 'person' },
    el('div', { className: 'person-head' }, el('strong', { className: 'person-name' }, person.name), ' ', count,
      el('button', { className: 'button secondary', type: 'button', textContent: 'Delete person',
        onclick: () => deletePerson(person) })),
    zone, crops);
  const enrol = (files) => enrolPhotos(person, [...files], crops, count);
  input.addEventListener('change', () => {
    enrol(input.files);
    input.value = '';
  });
  zone.addEventListener('dragover', (event) => event.preventDefault());
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    event.stopPropagation();
    enrol(event.dataTransfer.files);
  });
  showPhotos(person, crops, count);
  return item;
}

const photoCount = (n) => (n === 1 ? '1 photo' : `${n} photos`);

async function addPerson(event) {
  event.preventDefault();
  const name = $('person-name').value.trim();
  const result = await peopleRequest('people', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }),
  });
  if (!result) return;
  if (result.status === 201) {
    $('person-name').value = '';
    loadPeople(`${result.body.name} was added: now drop a few photos of them.`);
  } else {
    setStatus(peopleStatus, `Not added (HTTP ${result.status}).${sentence(result.body.detail)}`, true);
  }
}

/** Enrols the photos one after the other, showing the crop each gave or why it was refused. */
async function enrolPhotos(person, files, crops, count) {
  const refused = [];
  for (const file of files) {
    const form = new FormData();
    form.append('image', file);
    const result = await peopleRequest(`people/${person.id}/photos`, { method: 'POST', body: form });
    if (!result) return;
    if (result.ok) {
      if (result.status === 201) crops.append(cropItem(person, result.body.id, result.body.crop, crops, count));
    } else {
      refused.push(`${file.name}: ${result.body.detail || result.body.title || `HTTP ${result.status}`}`);
    }
  }
  count.textContent = photoCount(crops.children.length);
  setStatus(peopleStatus, refused.length ? `Not enrolled: ${refused.join(' · ')}` : `Enrolled ${person.name}'s photos.`,
    refused.length > 0);
}

function cropItem(person, photoId, src, crops, count) {
  const item = el('li', {}, el('img', { src, alt: `Face enrolled for ${person.name}`, width: 96, height: 96 }),
    el('button', { className: 'button secondary', type: 'button', textContent: 'Delete',
      ariaLabel: `Delete this photo of ${person.name}`,
      onclick: async () => {
        const result = await peopleRequest(`people/${person.id}/photos/${photoId}`, { method: 'DELETE' });
        if (result?.status === 204) {
          item.remove();
          count.textContent = photoCount(crops.children.length);
        }
      } }));
  return item;
}

/** The crops of a person's enrolled photos, fetched with the token (an image tag cannot send it). */
async function showPhotos(person, crops, count) {
  if (!person.photos) return;
  const result = await peopleRequest(`people/${person.id}/photos`);
  if (!result?.ok) return;
  for (const photo of result.body.photos || []) {
    const response = await fetch(`people/${person.id}/photos/${photo.id}`, { headers: authorization() });
    if (response.ok) crops.append(cropItem(person, photo.id, URL.createObjectURL(await response.blob()), crops, count));
  }
}

async function deletePerson(person) {
  if (!window.confirm(`Delete ${person.name} and erase all their photos?`)) return;
  const result = await peopleRequest(`people/${person.id}`, { method: 'DELETE' });
  if (result?.status === 204) loadPeople(`${person.name} was deleted: their photos are erased.`);
  else if (result) setStatus(peopleStatus, `Not deleted (HTTP ${result.status}).${sentence(result.body.detail)}`, true);
}

$('person-form').addEventListener('submit', addPerson);
$('people-load').addEventListener('click', () => loadPeople());
