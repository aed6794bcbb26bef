/* Respondent pages with scripts: live display conditions (see surveys/respond/live.py).
 *
 * Every page (and the start page) marks the browser as running scripts with the session cookie
 * anketa_js=1; the server then merges pages of a section into one live page and describes it
 * in <script id="respond-logic">: the expression values of earlier answers and, per field of
 * the page, its expression type. Items with data-relevant are shown or hidden as the respondent
 * answers, evaluated in page order with expressions.js; a hidden item counts as unanswered for
 * the items after it, and its inputs are disabled so that nothing of it is sent. The server
 * applies the same rule when the page is posted. Without scripts none of this runs and every
 * page works as a plain form.
 */
(function () {
  'use strict';

  document.cookie = 'anketa_js=1; path=/; SameSite=Lax';

  var E = window.AnketaExpressions;
  var source = document.getElementById('respond-logic');
  if (!E || !source) return;
  var logic = JSON.parse(source.textContent);
  var form = document.querySelector('form.respond-form');
  var items = Array.prototype.slice.call(document.querySelectorAll('.live-item'));
  if (!form || !items.length) return;

  function decode(value) {
    if (value && typeof value === 'object' && !Array.isArray(value) && '$date' in value) {
      return E.date(value.$date);
    }
    return value;
  }

  function number(text) {
    var cleaned = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
    if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(cleaned)) return null;
    return Number(cleaned);
  }

  // The value expressions see for one field of the page (null when unanswered).
  function fieldValue(name, spec) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) return undefined;
    var first = inputs[0];
    if (spec.type === 'select_multiple') {
      var codes = [];
      inputs.forEach(function (input) { if (input.checked) codes.push(String(input.value)); });
      return codes.length ? codes : null;
    }
    var raw = null;
    if (first.type === 'radio' || first.type === 'checkbox') {
      inputs.forEach(function (input) { if (input.checked) raw = input.value; });
    } else {
      raw = first.value;
    }
    if (raw === null || raw === '') return null;
    if (spec.type === 'select_one') return spec.numeric && number(raw) !== null ? number(raw) : raw;
    if (spec.type === 'number') return number(raw);
    if (spec.type === 'date') {
      try { return E.date(raw); } catch (error) { return null; }
    }
    if (spec.type === 'boolean') return raw === '1' || raw === 'true' || raw === 'y';
    return raw;
  }

  function itemFields(item) {
    var names = {};
    item.querySelectorAll('[name]').forEach(function (input) { names[input.name] = true; });
    return Object.keys(names);
  }

  function update() {
    var values = {};
    Object.keys(logic.values).forEach(function (name) { values[name] = decode(logic.values[name]); });
    var itemOf = {};
    items.forEach(function (item) {
      itemFields(item).forEach(function (name) { itemOf[name] = item; });
    });
    // Fields outside live items are answered on the page in any case.
    Object.keys(logic.fields).forEach(function (name) {
      if (!itemOf[name]) {
        var value = fieldValue(name, logic.fields[name]);
        if (value !== undefined) values[name] = value;
      }
    });
    items.forEach(function (item) {
      var shown = true;
      try {
        shown = E.evaluateBool(item.getAttribute('data-relevant'), values, null);
      } catch (error) {
        shown = true;  // the server checked the condition when it was saved
      }
      item.hidden = !shown;
      item.querySelectorAll('input, select, textarea').forEach(function (input) {
        input.disabled = !shown;
      });
      itemFields(item).forEach(function (name) {
        var spec = logic.fields[name];
        if (!spec) return;
        values[name] = shown ? fieldValue(name, spec) : null;
        if (values[name] === undefined) values[name] = null;
      });
    });
  }

  form.addEventListener('change', update);
  form.addEventListener('input', update);
  update();
}());
