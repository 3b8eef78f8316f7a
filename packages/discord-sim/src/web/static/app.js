// The browser view: everything here goes through the simulator's control API (/_sim).
'use strict';

const view = { guild: null, channelId: null, commands: [], lastMessages: '', lastModalSource: null };
const $ = (id) => document.getElementById(id);

async function sim(method, path, body) {
  const res = await fetch(`/_sim${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(data.message || `${res.status}`);
  return data;
}

function el(tag, props, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children || []) if (child) node.append(child);
  return node;
}

function status(text, isError) {
  $('status').textContent = text;
  $('status').style.color = isError ? '#f23f43' : '#949ba4';
}

const guard = (fn) => (...args) => fn(...args).catch((error) => status(error.message, true));

function displayName(userId, fallback) {
  const member = view.guild && view.guild.members.find((m) => m.user.id === userId);
  if (member) return member.nick || member.user.global_name || member.user.username;
  return fallback ? fallback.global_name || fallback.username : userId;
}

async function loadGuilds() {
  const guilds = await sim('GET', '/guilds');
  const picker = $('guild');
  const current = picker.value;
  picker.replaceChildren(...guilds.map((g) => el('option', { value: g.id, text: g.name })));
  if (guilds.some((g) => g.id === current)) picker.value = current;
  if (picker.value) await refreshGuild();
}

async function refreshGuild() {
  const id = $('guild').value;
  if (!id) return;
  const changed = !view.guild || view.guild.id !== id;
  view.guild = await sim('GET', `/guilds/${id}`);
  renderChannels();
  renderMembers();
  if (changed) await loadCommands();
}

function renderMembers() {
  const picker = $('member');
  const current = picker.value;
  const humans = view.guild.members.filter((m) => !m.user.bot);
  picker.replaceChildren(...humans.map((m) => el('option', { value: m.user.id, text: displayName(m.user.id) })));
  if (humans.some((m) => m.user.id === current)) picker.value = current;
}

function channelLink(channel, isThread) {
  const badges = [];
  if (isThread && channel.archived) badges.push(el('span', { class: 'badge archived', text: 'archived' }));
  if (isThread && channel.locked) badges.push(el('span', { class: 'badge locked', text: 'locked' }));
  return el('a', {
    class: `${isThread ? 'thread' : 'channel'}${channel.id === view.channelId ? ' active' : ''}`,
    'data-testid': `channel-${channel.name}`,
    'data-channel-id': channel.id,
    onclick: () => selectChannel(channel.id),
  }, [document.createTextNode(isThread ? `↳ ${channel.name}` : `# ${channel.name}`), ...badges]);
}

function renderChannels() {
  const { channels, threads } = view.guild;
  const byPosition = (a, b) => (a.position || 0) - (b.position || 0);
  const textual = channels.filter((c) => c.type !== 4 && c.type !== 2).sort(byPosition);
  const withThreads = (channel) => [channelLink(channel, false), ...threads.filter((t) => t.parent_id === channel.id).map((t) => channelLink(t, true))];
  const nodes = textual.filter((c) => !c.parent_id).flatMap(withThreads);
  for (const category of channels.filter((c) => c.type === 4).sort(byPosition)) {
    nodes.push(el('div', { class: 'category', text: category.name }));
    nodes.push(...textual.filter((c) => c.parent_id === category.id).flatMap(withThreads));
  }
  $('channels').replaceChildren(...nodes);
}

async function selectChannel(id) {
  view.channelId = id;
  view.lastMessages = '';
  const channel = [...view.guild.channels, ...view.guild.threads].find((c) => c.id === id);
  $('channel-title').textContent = channel ? `# ${channel.name}` : id;
  renderChannels();
  await refreshMessages();
}

function renderEmbed(embed) {
  const color = typeof embed.color === 'number' ? `#${embed.color.toString(16).padStart(6, '0')}` : '#1e1f22';
  const fields = (embed.fields || []).map((f) => el('div', { class: `embed-field${f.inline ? '' : ' wide'}` }, [
    el('div', { class: 'embed-field-name', text: f.name }),
    el('div', { text: f.value }),
  ]));
  return el('div', { class: 'embed', style: `border-left-color: ${color}`, 'data-testid': 'embed' }, [
    embed.author && el('div', { class: 'meta', text: embed.author.name }),
    embed.title && el('div', { class: 'embed-title', text: embed.title }),
    embed.description && el('div', { class: 'content', text: embed.description }),
    fields.length > 0 && el('div', { class: 'embed-fields' }, fields),
    embed.footer && el('div', { class: 'embed-footer', text: embed.footer.text }),
  ]);
}

function renderComponent(message, component) {
  if (component.type === 2) {
    if (component.style === 5) return el('a', { href: component.url, target: '_blank', text: component.label || 'link' });
    return el('button', {
      type: 'button',
      class: `btn-${component.style}`,
      disabled: component.disabled === true,
      'data-testid': `button-${component.custom_id}`,
      text: component.label || (component.emoji && component.emoji.name) || component.custom_id,
      onclick: guard(() => runInteraction({ kind: 'component', messageId: message.id, customId: component.custom_id })),
    });
  }
  if (component.type === 3) {
    const select = el('select', { 'data-testid': `select-${component.custom_id}`, multiple: (component.max_values || 1) > 1 }, [
      el('option', { value: '', text: component.placeholder || 'Choose…' }),
      ...component.options.map((o) => el('option', { value: o.value, text: o.label })),
    ]);
    select.addEventListener('change', guard(() => {
      const values = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
      return runInteraction({ kind: 'component', messageId: message.id, customId: component.custom_id, values });
    }));
    return select;
  }
  return el('span', { class: 'meta', text: `[component type ${component.type}]` });
}

function renderMessage(message) {
  const rows = (message.components || []).filter((c) => c.type === 1);
  const loading = (message.flags & 128) !== 0;
  return el('li', { 'data-testid': 'message', 'data-message-id': message.id }, [
    el('span', { class: 'author', text: displayName(message.author.id, message.author) }),
    message.author.bot && el('span', { class: 'bot-tag', text: 'BOT' }),
    el('span', { class: 'meta', text: new Date(message.timestamp).toLocaleTimeString() }),
    el('div', { class: 'content', 'data-testid': 'message-content', text: loading ? `${displayName(message.author.id, message.author)} is thinking…` : message.content }),
    ...(message.embeds || []).map(renderEmbed),
    ...rows.map((row) => el('div', { class: 'row' }, row.components.map((c) => renderComponent(message, c)))),
    (message.flags & 64) !== 0 && el('div', { class: 'ephemeral', text: 'Only the invoking user can see this' }),
  ]);
}

async function refreshMessages() {
  if (!view.channelId) return;
  const messages = await sim('GET', `/channels/${view.channelId}/messages`);
  const fingerprint = JSON.stringify(messages);
  if (fingerprint === view.lastMessages) return;
  view.lastMessages = fingerprint;
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...messages.map(renderMessage));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

async function loadCommands() {
  const commands = await sim('GET', `/commands?guildId=${view.guild.id}`);
  // Re-rendering an unchanged list would wipe what the user is typing into the form.
  if (JSON.stringify(commands) === JSON.stringify(view.commands) && $('command').options.length > 0) return;
  view.commands = commands;
  $('command').replaceChildren(el('option', { value: '', text: view.commands.length ? 'Choose a command' : 'No commands registered' }), ...view.commands.map((c) => el('option', { value: c.id, text: `/${c.name}` })));
  renderCommandOptions();
}

function optionInput(option) {
  const name = `opt-${option.name}`;
  const label = `${option.name}${option.required ? ' *' : ''}`;
  if (option.choices) return el('label', { text: label }, [el('select', { name, 'data-testid': name }, [el('option', { value: '' }), ...option.choices.map((c) => el('option', { value: String(c.value), text: c.name }))])]);
  if (option.type === 5) return el('label', { text: label }, [el('input', { type: 'checkbox', name, 'data-testid': name })]);
  const pick = (items) => el('label', { text: label }, [el('select', { name, 'data-testid': name }, [el('option', { value: '' }), ...items])]);
  if (option.type === 6 || option.type === 9) return pick(view.guild.members.map((m) => el('option', { value: m.user.id, text: displayName(m.user.id) })));
  if (option.type === 7) return pick([...view.guild.channels, ...view.guild.threads].map((c) => el('option', { value: c.id, text: c.name })));
  if (option.type === 8) return pick(view.guild.roles.map((r) => el('option', { value: r.id, text: r.name })));
  return el('label', { text: label }, [el('input', { name, type: option.type === 4 || option.type === 10 ? 'number' : 'text', 'data-testid': name })]);
}

function renderCommandOptions() {
  const container = $('command-options');
  const command = view.commands.find((c) => c.id === $('command').value);
  if (!command) return container.replaceChildren();
  const subs = (command.options || []).flatMap((o) => (o.type === 1 ? [[o.name, o]] : o.type === 2 ? (o.options || []).map((s) => [`${o.name} ${s.name}`, s]) : []));
  if (subs.length === 0) return container.replaceChildren(...(command.options || []).map(optionInput));
  const picker = el('select', { id: 'subcommand', 'data-testid': 'subcommand-picker' }, subs.map(([path]) => el('option', { value: path, text: path })));
  const fields = el('div');
  const renderSub = () => fields.replaceChildren(...((subs.find(([path]) => path === picker.value) || [])[1].options || []).map(optionInput));
  picker.addEventListener('change', renderSub);
  container.replaceChildren(picker, fields);
  renderSub();
}

async function runCommand(event) {
  event.preventDefault();
  const command = view.commands.find((c) => c.id === $('command').value);
  if (!command || !view.channelId) return status('Pick a channel and a command', true);
  const options = {};
  for (const input of $('command-options').querySelectorAll('[name^="opt-"]')) {
    const value = input.type === 'checkbox' ? input.checked : input.value;
    if (value !== '' && !(input.type === 'checkbox' && !input.checked)) options[input.name.slice(4)] = value;
  }
  const sub = $('subcommand');
  await runInteraction({ kind: 'command', name: sub ? `${command.name} ${sub.value}` : command.name, options, channelId: view.channelId });
}

async function runInteraction(input) {
  const userId = $('member').value;
  status('Waiting for the bot…');
  const result = await sim('POST', '/interactions', { ...input, userId, channelId: input.channelId || view.channelId });
  const callbackNames = { 1: 'pong', 4: 'reply', 5: 'deferred reply', 6: 'deferred update', 7: 'update', 9: 'modal' };
  const summary = result.callback ? `${callbackNames[result.callback.type] || result.callback.type} after ${result.elapsedMs} ms` : 'no answer within the deadline';
  $('interaction-result').textContent = `${summary}\n${JSON.stringify(result.callback && result.callback.data, null, 2)}`;
  status(result.deadlineMissed ? 'The bot did not answer in time' : `Bot answered: ${summary}`, result.deadlineMissed);
  if (result.callback && result.callback.type === 9) showModal(result.callback.data, input.messageId);
  await refreshMessages();
}

function showModal(data, messageId) {
  const inputs = (data.components || []).map((row) => {
    const input = row.type === 18 ? row.component : (row.components || [])[0];
    const labelText = row.type === 18 ? row.label : input.label;
    const props = { name: input.custom_id, 'data-testid': `modal-${input.custom_id}`, placeholder: input.placeholder, value: input.value };
    return el('label', { text: labelText }, [input.style === 2 ? el('textarea', props) : el('input', props)]);
  });
  const modal = $('modal');
  const form = el('form', { 'data-testid': 'modal-form' }, [
    el('strong', { text: data.title }),
    ...inputs,
    el('button', { type: 'submit', 'data-testid': 'modal-submit', text: 'Submit' }),
  ]);
  form.addEventListener('submit', guard(async (event) => {
    event.preventDefault();
    const fields = {};
    for (const input of form.querySelectorAll('[name]')) fields[input.name] = input.value;
    modal.hidden = true;
    await runInteraction({ kind: 'modal', customId: data.custom_id, fields, messageId });
  }));
  modal.replaceChildren(form);
  modal.hidden = false;
}

$('guild').addEventListener('change', guard(async () => {
  view.channelId = null;
  $('messages').replaceChildren();
  await refreshGuild();
}));
$('command').addEventListener('change', renderCommandOptions);
$('command-form').addEventListener('submit', guard(runCommand));
$('composer').addEventListener('submit', guard(async (event) => {
  event.preventDefault();
  const content = $('composer-text').value;
  if (!view.channelId || !content.trim()) return;
  await sim('POST', `/channels/${view.channelId}/messages`, { authorId: $('member').value, content });
  $('composer-text').value = '';
  await refreshMessages();
}));

guard(loadGuilds)();
setInterval(guard(refreshMessages), 1000);
setInterval(guard(async () => {
  if (!view.guild) return loadGuilds();
  await refreshGuild();
  await loadCommands().catch(() => undefined);
}), 3000);
