/* The questionnaire expression language in the browser (see docs/expressions.md).
 *
 * A dependency-free ES2017 port of surveys/expressions (the Python reference): a tokeniser and a
 * recursive-descent parser with the same precedence, nesting limit (50) and length limit (2000),
 * and an evaluator with the same functions and missing-value rules; no code is built from text.
 *
 *   AnketaExpressions.parse(source).evaluate(answers, current, today)
 *   AnketaExpressions.evaluate(source, answers, current, today)
 *   AnketaExpressions.evaluateBool(source, answers, current, today)
 *
 * Values: missing is null; numbers, text and true/false are JavaScript's; a multiple choice is
 * an array of code strings; a date is an AnketaExpressions.ExpressionDate (make one with
 * AnketaExpressions.date('YYYY-MM-DD'); a JavaScript Date counts as its UTC date). Syntax errors,
 * unknown functions and wrong argument counts throw AnketaExpressions.ExpressionError.
 * The shared table tests/surveys/expression_cases.json is run against both evaluators.
 */
(function (global) {
  'use strict';

  var MAX_SOURCE_LENGTH = 2000;
  var MAX_DEPTH = 50;
  // Recursion guard of the descent, far beyond the depth limit: the nesting error names the
  // same node as Python's (which checks depth bottom-up) for any input of accepted length.
  var MAX_DESCENT = MAX_SOURCE_LENGTH;
  var MAX_SAFE_INTEGER = 9007199254740992;  // 2 ** 53, as in values.py
  var KEYWORDS = ['and', 'or', 'div', 'mod'];
  // Python's whitespace (str.isspace / re's \s), which differs from JavaScript's \s.
  var SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029' +
              '\\u202f\\u205f\\u3000';
  var SPACE_RUN = new RegExp('[' + SPACE + ']+', 'y');
  var STRIP = new RegExp('^[' + SPACE + ']+|[' + SPACE + ']+$', 'g');
  var SPLIT = new RegExp('[' + SPACE + ']+');
  var NUMERIC_TEXT = /^[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*$/;
  var INVISIBLE = /[\x00-\x1f\x7f-\xa0\xad\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff\ufff9-\ufffb]/;
  var ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

  var TOKEN_PATTERNS = {
    NUMBER: /[0-9]+(?:\.[0-9]*)?|\.[0-9]+/y,
    STRING: /'[^']*'|"[^"]*"/y,
    VARIABLE: /\$\{[A-Za-z_][A-Za-z0-9_]*\}/y,
    NAME: /[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*/y,
    KEYWORD: /(?:or|and|div|mod)(?![A-Za-z0-9_])/y,
    COMPARATOR: /<=|>=|!=|=|<|>/y
  };
  var PUNCTUATION = {'+': 'PLUS', '-': 'MINUS', '*': 'STAR', '/': 'SLASH', '.': 'DOT',
                     '(': 'LPAR', ')': 'RPAR', ',': 'COMMA'};

  // ---------------------------------------------------------------- errors

  function ExpressionError(message, column, line, kind) {
    var error = new Error(message);
    Object.setPrototypeOf(error, ExpressionError.prototype);
    error.message = message;
    error.column = column === undefined ? null : column;
    error.line = line === undefined ? null : line;
    error.kind = kind || 'syntax';
    if (Error.captureStackTrace) Error.captureStackTrace(error, ExpressionError);
    return error;
  }
  ExpressionError.prototype = Object.create(Error.prototype, {
    constructor: {value: ExpressionError, writable: true, configurable: true},
    name: {value: 'ExpressionError', writable: true, configurable: true}
  });

  function positionText(line, column) {
    return line !== null && line > 1 ? 'line ' + line + ', column ' + column : 'column ' + column;
  }

  // ---------------------------------------------------------------- values

  function ExpressionDate(days) {
    this.days = days;  // whole days since 1970-01-01
  }
  ExpressionDate.prototype.toString = function () { return isoDate(this.days); };
  ExpressionDate.prototype.toJSON = function () { return isoDate(this.days); };

  var DAY_MS = 86400000;
  function daysOf(year, month, day) {
    var moment = new Date(0);
    moment.setUTCFullYear(year, month - 1, day);  // Date.UTC would read years 0-99 as 19xx
    return Math.round(moment.getTime() / DAY_MS);
  }
  var MIN_DAYS = daysOf(1, 1, 1);
  var MAX_DAYS = daysOf(9999, 12, 31);

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = '0' + text;
    return text;
  }

  function isoDate(days) {
    var moment = new Date(days * DAY_MS);
    return pad(moment.getUTCFullYear(), 4) + '-' + pad(moment.getUTCMonth() + 1, 2) + '-' +
      pad(moment.getUTCDate(), 2);
  }

  function isDate(value) { return value instanceof ExpressionDate; }
  function isNumber(value) { return typeof value === 'number'; }

  function normaliseNumber(value) {
    if (!isFinite(value)) return null;
    return value === 0 ? 0 : value;  // no negative zero
  }

  // A Python int (integral and below 2 ** 53) as opposed to a float: matters only for sum().
  function isWhole(value) {
    return Number.isInteger(value) && Math.abs(value) < MAX_SAFE_INTEGER;
  }

  function stripText(text) { return text.replace(STRIP, ''); }

  function compareText(left, right) {
    // By code point, as Python does (JavaScript's < compares UTF-16 code units).
    var i = 0, j = 0;
    while (i < left.length && j < right.length) {
      var a = left.codePointAt(i), b = right.codePointAt(j);
      if (a !== b) return a < b ? -1 : 1;
      i += a > 0xffff ? 2 : 1;
      j += b > 0xffff ? 2 : 1;
    }
    if (i < left.length) return 1;
    return j < right.length ? -1 : 0;
  }

  function codeText(item, name) {
    if (item === null || item === undefined) return '';
    if (typeof item === 'string') return item;
    if (typeof item === 'boolean' || typeof item === 'number' || typeof item === 'bigint') {
      return toText(normaliseValue(item, name));
    }
    throw ExpressionError('The answer to ${' + name + '} contains an option code of unsupported ' +
                          'type (' + typeof item + ').', null, null, 'evaluation');
  }

  function normaliseValue(value, name) {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number') return normaliseNumber(value);
    if (typeof value === 'bigint') return normaliseNumber(Number(value));
    if (value instanceof ExpressionDate) return value;
    if (value instanceof Date && !isNaN(value.getTime())) {
      return new ExpressionDate(daysOf(value.getUTCFullYear(), value.getUTCMonth() + 1,
                                       value.getUTCDate()));
    }
    var codes;
    if (Array.isArray(value)) {
      codes = value.map(function (item) { return codeText(item, name); });
    } else if (typeof Set !== 'undefined' && value instanceof Set) {
      codes = Array.from(value, function (item) { return codeText(item, name); }).sort(compareText);
    }
    if (codes) return codes.filter(function (code) { return code !== ''; });
    throw ExpressionError('The answer to ${' + name + '} has an unsupported type (' +
                          (value && value.constructor ? value.constructor.name : typeof value) + ').',
                          null, null, 'evaluation');
  }

  function isEmpty(value) {
    return value === null || value === '' || (Array.isArray(value) && value.length === 0);
  }

  function truthy(value) {
    if (value === null) return false;
    if (isDate(value)) return true;
    if (Array.isArray(value)) return value.length > 0;
    return Boolean(value);
  }

  function toText(value) {
    if (value === null) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (isNumber(value)) return String(value);
    if (isDate(value)) return isoDate(value.days);
    if (Array.isArray(value)) return value.join(' ');
    return String(value);
  }

  function numberFromText(text) {
    return NUMERIC_TEXT.test(text) ? normaliseNumber(Number(text)) : null;
  }

  function toNumber(value) {
    if (value === null) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (isNumber(value)) return value;
    if (isDate(value)) return value.days;
    return numberFromText(toText(value));
  }

  function dateFromText(text) {
    var match = ISO_DATE.exec(stripText(text));
    if (!match) return null;
    var year = +match[1], month = +match[2], day = +match[3];
    if (year < 1 || month < 1 || month > 12 || day < 1) return null;
    var days = daysOf(year, month, day);
    return isoDate(days) === match[0] ? new ExpressionDate(days) : null;  // 2024-02-30
  }

  function addDays(date, days) {
    var moved = date.days + Math.trunc(days);
    return moved >= MIN_DAYS && moved <= MAX_DAYS ? new ExpressionDate(moved) : null;
  }

  function toDate(value) {
    if (isDate(value)) return value;
    if (typeof value === 'string') return dateFromText(value);
    if (isNumber(value)) return addDays(new ExpressionDate(0), value);
    return null;
  }

  function codesOf(value) {
    if (value === null) return [];
    if (Array.isArray(value)) return value;
    return toText(value).split(SPLIT).filter(function (code) { return code !== ''; });
  }

  // ---------------------------------------------------------------- operators

  function scalar(value) { return Array.isArray(value) ? toText(value) : value; }

  function numeric(value) {
    if (isNumber(value)) return value;
    if (typeof value === 'string') return numberFromText(value);
    return null;
  }

  function datePair(left, right) {
    if (isDate(left) && isDate(right)) return [left.days, right.days];
    var leftIsDate = isDate(left);
    var date = leftIsDate ? left : right, other = leftIsDate ? right : left, pair;
    if (typeof other === 'string') {
      var otherDate = dateFromText(other);
      if (otherDate === null) return null;
      pair = [date.days, otherDate.days];
    } else if (isNumber(other) || typeof other === 'boolean') {
      pair = [date.days, other === true ? 1 : other === false ? 0 : other];
    } else {
      return null;
    }
    return leftIsDate ? pair : [pair[1], pair[0]];
  }

  function equal(left, right) {
    if (typeof left === 'boolean' || typeof right === 'boolean') return truthy(left) === truthy(right);
    if (isDate(left) || isDate(right)) {
      var pair = datePair(left, right);
      return pair !== null ? pair[0] === pair[1] : toText(left) === toText(right);
    }
    if (isNumber(left) || isNumber(right)) {
      var a = numeric(left), b = numeric(right);
      return a !== null && b !== null && a === b;
    }
    return toText(left) === toText(right);
  }

  function orderedPair(left, right) {
    if (typeof left === 'boolean' || typeof right === 'boolean') {
      var l = toNumber(left), r = toNumber(right);
      return l === null || r === null ? null : [l, r];
    }
    if (isDate(left) || isDate(right)) {
      return datePair(left, right) || [toText(left), toText(right)];
    }
    var a = numeric(left), b = numeric(right);
    if (a !== null && b !== null) return [a, b];
    return [toText(left), toText(right)];
  }

  function compare(operator, left, right) {
    if (operator === '=' || operator === '!=') {
      var same = isEmpty(left) || isEmpty(right) ? isEmpty(left) && isEmpty(right)
        : equal(scalar(left), scalar(right));
      return operator === '=' ? same : !same;
    }
    if (isEmpty(left) || isEmpty(right)) return false;
    var pair = orderedPair(scalar(left), scalar(right));
    if (pair === null) return false;
    var order = typeof pair[0] === 'string' ? compareText(pair[0], pair[1])
      : pair[0] < pair[1] ? -1 : pair[0] > pair[1] ? 1 : 0;
    if (operator === '<') return order < 0;
    if (operator === '<=') return order <= 0;
    if (operator === '>') return order > 0;
    return order >= 0;
  }

  function dateArithmetic(operator, left, right) {
    var leftIsDate = isDate(left), rightIsDate = isDate(right);
    if (leftIsDate && rightIsDate) return operator === '-' ? left.days - right.days : null;
    if ((operator !== '+' && operator !== '-') || (operator === '-' && rightIsDate)) return null;
    var days = toNumber(leftIsDate ? right : left);
    if (days === null) return null;
    return addDays(leftIsDate ? left : right, operator === '+' ? days : -days);
  }

  function arithmetic(operator, left, right) {
    if (isDate(left) || isDate(right)) return dateArithmetic(operator, left, right);
    var a = toNumber(left), b = toNumber(right);
    if (a === null || b === null) return null;
    if (operator === '+') return normaliseNumber(a + b);
    if (operator === '-') return normaliseNumber(a - b);
    if (operator === '*') return normaliseNumber(a * b);
    if (b === 0) return null;  // division and remainder by zero are missing
    if (operator === 'div') return normaliseNumber(a / b);
    return normaliseNumber(a % b);  // mod: the sign follows the dividend, as in XPath
  }

  function negate(value) {
    if (isDate(value)) return null;
    var number = toNumber(value);
    return number === null ? null : normaliseNumber(-number);
  }

  // ---------------------------------------------------------------- functions

  function numbersOf(values) {
    return values.map(toNumber).filter(function (number) { return number !== null; });
  }

  function extreme(lower) {
    return function (values) {
      var numbers = numbersOf(values);
      if (!numbers.length) return null;
      return numbers.reduce(function (best, number) {
        return (lower ? number < best : number > best) ? number : best;
      });
    };
  }

  var SPLIT_UNIT = 67108864;  // 2 ** 26

  function sum(values) {
    // Python adds whole numbers exactly and rounds once when a fraction (or the end) comes;
    // whole numbers are kept exactly as high * 2**26 + low until then.
    var high = 0, low = 0, total = null;
    numbersOf(values).forEach(function (number) {
      if (total === null && isWhole(number)) {
        var part = Math.floor(number / SPLIT_UNIT);
        high += part;
        low += number - part * SPLIT_UNIT;
        var carry = Math.floor(low / SPLIT_UNIT);
        high += carry;
        low -= carry * SPLIT_UNIT;
      } else {
        if (total === null) total = high * SPLIT_UNIT + low;
        total += number;
      }
    });
    return normaliseNumber(total === null ? high * SPLIT_UNIT + low : total);
  }

  function decimalParts(number) {
    // The shortest decimal digits of a number (String() and Python's repr() agree on them).
    var match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(number));
    var digits = match[2] + (match[3] || '');
    var exponent = (match[4] ? +match[4] : 0) - (match[3] || '').length;
    var trimmed = digits.replace(/^0+/, '');
    var stripped = trimmed.replace(/0+$/, '');
    return {negative: match[1] === '-', digits: stripped,
            exponent: exponent + trimmed.length - stripped.length};
  }

  function round(values) {
    var number = toNumber(values[0]);
    var places = values.length > 1 ? toNumber(values[1]) : 0;
    if (number === null || places === null) return null;
    places = Math.max(-400, Math.min(400, Math.trunc(places)));
    if (number === 0) return 0;
    var parts = decimalParts(number);
    if (parts.exponent >= -places) return number;
    var drop = -places - parts.exponent, digits = parts.digits;
    if (drop > digits.length) return 0;
    var kept = digits.slice(0, digits.length - drop);
    if (digits.charAt(digits.length - drop) >= '5') {  // half away from zero
      var carried = '', index = kept.length - 1;
      while (index >= 0 && kept.charAt(index) === '9') { carried = '0' + carried; index -= 1; }
      kept = (index >= 0 ? kept.slice(0, index) + String(+kept.charAt(index) + 1) : '1') + carried;
    }
    if (kept === '' || /^0*$/.test(kept)) return 0;
    return normaliseNumber(Number((parts.negative ? '-' : '') + kept + 'e' + (-places)));
  }

  function spec(min, max, implementation, lazy) {
    return {min: min, max: max, implementation: implementation, lazy: Boolean(lazy)};
  }

  var FUNCTIONS = {
    'selected': spec(2, 2, function (values) {
      var code = stripText(toText(values[1]));
      return code !== '' && codesOf(values[0]).indexOf(code) >= 0;
    }),
    'count-selected': spec(1, 1, function (values) { return codesOf(values[0]).length; }),
    'string-length': spec(1, 1, function (values) { return Array.from(toText(values[0])).length; }),
    'if': spec(3, 3, function (thunks) {
      return truthy(thunks[0]()) ? thunks[1]() : thunks[2]();
    }, true),
    'not': spec(1, 1, function (values) { return !truthy(values[0]); }),
    'true': spec(0, 0, function () { return true; }),
    'false': spec(0, 0, function () { return false; }),
    'number': spec(1, 1, function (values) { return toNumber(values[0]); }),
    'int': spec(1, 1, function (values) {
      var number = toNumber(values[0]);
      return number === null ? null : normaliseNumber(Math.trunc(number));
    }),
    'round': spec(1, 2, round),
    'concat': spec(1, null, function (values) { return values.map(toText).join(''); }),
    'coalesce': spec(2, 2, function (values) {
      for (var i = 0; i < values.length; i += 1) if (!isEmpty(values[i])) return values[i];
      return null;
    }),
    'contains': spec(2, 2, function (values) {
      return toText(values[0]).indexOf(toText(values[1])) >= 0;
    }),
    'today': spec(0, 0, function (values, context) { return context.today; }),
    'date': spec(1, 1, function (values) { return toDate(values[0]); }),
    'min': spec(1, null, extreme(true)),
    'max': spec(1, null, extreme(false)),
    'sum': spec(1, null, sum)
  };

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function arityText(entry) {
    var low = entry.min, high = entry.max;
    if (high === null) return low === 1 ? 'at least 1 argument' : 'at least ' + low + ' arguments';
    if (low === 0 && high === 0) return 'no arguments';
    if (low === 1 && high === 1) return '1 argument';
    if (low === high) return low + ' arguments';
    return high === low + 1 ? low + ' or ' + high + ' arguments' : low + ' to ' + high + ' arguments';
  }

  // ---------------------------------------------------------------- tokeniser

  function Lexer(source) {
    this.source = source;
  }

  Lexer.prototype.position = function (offset) {
    var before = this.source.slice(0, offset);
    var lineStart = before.lastIndexOf('\n') + 1;
    return {line: before.split('\n').length,
            column: Array.from(before.slice(lineStart)).length + 1};
  };

  Lexer.prototype.error = function (message, offset, kind) {
    var at = this.position(offset);
    return ExpressionError(message.replace('%(position)s', positionText(at.line, at.column)),
                           at.column, at.line, kind);
  };

  function match(pattern, source, offset) {
    pattern.lastIndex = offset;
    var found = pattern.exec(source);
    return found ? found[0] : null;
  }

  // The token at ``offset``; ``operator`` is true where an operator (not a value) may come,
  // which decides whether `and` is a keyword or a name, as lark's contextual lexer does.
  Lexer.prototype.token = function (offset, operator) {
    var source = this.source;
    var space = match(SPACE_RUN, source, offset);
    if (space) offset += space.length;
    if (offset >= source.length) return {type: 'END', text: '', offset: offset};
    var text, types = ['STRING', 'VARIABLE', 'NUMBER', 'COMPARATOR'];
    for (var i = 0; i < types.length; i += 1) {
      text = match(TOKEN_PATTERNS[types[i]], source, offset);
      if (text) return {type: types[i], text: text, offset: offset};
    }
    if (operator && (text = match(TOKEN_PATTERNS.KEYWORD, source, offset))) {
      return {type: 'KEYWORD', text: text, offset: offset};
    }
    if ((text = match(TOKEN_PATTERNS.NAME, source, offset))) {
      return {type: 'NAME', text: text, offset: offset};
    }
    var character = source.charAt(offset);
    if (has(PUNCTUATION, character)) return {type: PUNCTUATION[character], text: character, offset: offset};
    if (character === '$') {
      throw this.error('Malformed variable reference at %(position)s: write ${name}, where the ' +
                       'name has letters, digits and underscores only.', offset);
    }
    if (character === '\'' || character === '"') {
      throw this.error('The text starting at %(position)s has no closing ' + character + '.', offset);
    }
    if (character === '!') {
      throw this.error('Unexpected \'!\' at %(position)s: write != for \'not equal\' and not(...) ' +
                       'for negation.', offset);
    }
    var code = source.codePointAt(offset);
    // Invisible characters (pasted control codes) are named by their code point.
    var shown = (code <= 0xffff && INVISIBLE.test(String.fromCharCode(code))) || (code >= 0xd800 && code <= 0xdfff)
      ? 'U+' + pad(code.toString(16).toUpperCase(), 4) : String.fromCodePoint(code);
    throw this.error('Unexpected character \'' + shown + '\' at %(position)s.', offset);
  };

  // ---------------------------------------------------------------- parser

  function Parser(source) {
    this.lexer = new Lexer(source);
    this.source = source;
    this.offset = 0;
    this.descent = 0;
  }

  Parser.prototype.peek = function (operator) { return this.lexer.token(this.offset, operator); };

  Parser.prototype.take = function (token) {
    this.offset = token.offset + token.text.length;
    return token;
  };

  Parser.prototype.node = function (node, offset) {
    var at = this.lexer.position(offset);
    node.line = at.line;
    node.column = at.column;
    return this.checked(node);
  };

  Parser.prototype.checked = function (node) {
    if (node.depth > MAX_DEPTH) {
      throw ExpressionError('The expression is nested too deeply at ' +
                            positionText(node.line, node.column) + ' (the limit is ' + MAX_DEPTH +
                            ' levels); split it into simpler conditions.', node.column, node.line);
    }
    return node;
  };

  Parser.prototype.enter = function (offset) {
    this.descent += 1;
    if (this.descent > MAX_DESCENT) {
      throw this.lexer.error('The expression is nested too deeply at %(position)s (the limit is ' +
                             MAX_DEPTH + ' levels); split it into simpler conditions.', offset);
    }
  };

  function deepest(children) {
    return 1 + children.reduce(function (most, child) { return Math.max(most, child.depth); }, 0);
  }

  function describe(token) {
    return token.type === 'STRING' || token.type === 'VARIABLE' ? token.text : '\'' + token.text + '\'';
  }

  Parser.prototype.bareNameError = function (token) {
    var name = token.text, lower = name.toLowerCase();
    if (KEYWORDS.indexOf(name) >= 0) {
      return this.lexer.error('Unexpected \'' + name + '\' at %(position)s: a value is missing ' +
                              'before it.', token.offset);
    }
    if (KEYWORDS.indexOf(lower) >= 0) {
      return this.lexer.error('Unexpected \'' + name + '\' at %(position)s: operators are written ' +
                              'in lower case (\'' + lower + '\').', token.offset);
    }
    if (has(FUNCTIONS, name)) {
      return this.lexer.error('\'' + name + '\' at %(position)s is a function: write ' + name +
                              '(...).', token.offset);
    }
    return this.lexer.error('Unknown name \'' + name + '\' at %(position)s: variables are written ' +
                            'as ${' + name + '}.', token.offset);
  };

  // An error for ``token`` where an operator, ')', ',' or the end was expected.
  Parser.prototype.unexpectedOperator = function (token) {
    if (token.type === 'END') {
      var at = this.lexer.position(this.source.replace(new RegExp('[' + SPACE + ']+$'), '').length);
      return ExpressionError('The expression is incomplete at ' + positionText(at.line, at.column) +
                             ': a closing \')\' is missing.', at.column, at.line);
    }
    if (token.type === 'COMPARATOR') {
      return this.lexer.error('Unexpected ' + describe(token) + ' at %(position)s: comparisons ' +
                              'cannot be chained; join them with \'and\'.', token.offset);
    }
    if (token.type === 'NAME') {
      if (KEYWORDS.indexOf(token.text.toLowerCase()) >= 0) return this.bareNameError(token);
      return this.lexer.error('Unexpected \'' + token.text + '\' at %(position)s: an operator ' +
                              '(such as \'and\' or \'=\') is missing before it.', token.offset);
    }
    if (token.type === 'RPAR') {
      return this.lexer.error('Unexpected \')\' at %(position)s: there is no \'(\' for it to ' +
                              'close.', token.offset);
    }
    if (['VARIABLE', 'NUMBER', 'STRING', 'DOT'].indexOf(token.type) >= 0) {
      return this.lexer.error('Unexpected ' + describe(token) + ' at %(position)s: an operator ' +
                              '(such as \'and\' or \'=\') is missing before it.', token.offset);
    }
    return this.lexer.error('Unexpected ' + describe(token) + ' at %(position)s.', token.offset);
  };

  Parser.prototype.parse = function () {
    var tree = this.expression(1);
    var token = this.peek(true);
    if (token.type !== 'END') throw this.unexpectedOperator(token);
    return tree;
  };

  // Precedence levels, loosest first: or, and, comparison, + -, * / div mod (unary minus is
  // tighter still). Levels 1, 2, 4 and 5 build n-ary chains; comparisons do not chain.
  function levelOf(token) {
    if (token.type === 'KEYWORD') return {or: 1, and: 2, div: 5, mod: 5}[token.text];
    if (token.type === 'COMPARATOR') return 3;
    if (token.type === 'PLUS' || token.type === 'MINUS') return 4;
    if (token.type === 'STAR' || token.type === 'SLASH') return 5;
    return 0;
  }

  // Precedence climbing: the same trees as the grammar's one-rule-per-level descent, with three
  // stack frames per level of parentheses instead of nine.
  Parser.prototype.expression = function (lowest) {
    var left = this.unary(), built = 6;
    for (;;) {
      var token = this.peek(true), level = levelOf(token);
      // After a node of some level only a looser operator can follow (`1 < 2 < 3` stops here).
      if (!level || level < lowest || level >= built) return left;
      if (level === 3) {
        this.take(token);
        var right = this.expression(4);
        left = this.node({type: 'comparison', operator: token.text, left: left, right: right,
                          depth: deepest([left, right])}, token.offset);
        built = 3;
        continue;
      }
      var operands = [left], operators = [];
      while (levelOf(token) === level) {
        this.take(token);
        operators.push(token.text === '/' ? 'div' : token.text);
        operands.push(this.expression(level + 1));
        token = this.peek(true);
      }
      left = level <= 2 ? {type: 'logical', operator: operators[0], operands: operands}
        : {type: 'arithmetic', operators: operators, operands: operands};
      left.depth = deepest(operands);
      left.line = operands[0].line;
      left.column = operands[0].column;
      this.checked(left);
      built = level;
    }
  };

  Parser.prototype.unary = function () {
    var minuses = [], token;
    while ((token = this.peek(false)).type === 'MINUS') minuses.push(this.take(token));
    var node = this.primary();
    for (var i = minuses.length - 1; i >= 0; i -= 1) {
      node = this.node({type: 'negate', operand: node, depth: deepest([node])}, minuses[i].offset);
    }
    return node;
  };

  Parser.prototype.primary = function () {
    var token = this.take(this.peek(false)), node;
    switch (token.type) {
      case 'NUMBER':
        var value = normaliseNumber(Number(token.text));
        if (value === null) throw this.lexer.error('The number at %(position)s is too large.', token.offset);
        return this.node({type: 'number', value: value, depth: 1}, token.offset);
      case 'STRING':
        return this.node({type: 'string', value: token.text.slice(1, -1), depth: 1}, token.offset);
      case 'VARIABLE':
        return this.node({type: 'variable', name: token.text.slice(2, -1), depth: 1}, token.offset);
      case 'DOT':
        return this.node({type: 'current', depth: 1}, token.offset);
      case 'LPAR':
        this.enter(token.offset);
        node = this.expression(1);
        this.expect('RPAR');
        this.descent -= 1;
        var grouped = Object.assign({}, node, {depth: node.depth + 1});
        return this.checked(grouped);
      case 'NAME':
        var next = this.peek(false);
        if (next.type !== 'LPAR') throw this.bareNameError(token);
        this.take(next);
        this.enter(token.offset);
        var args = [];
        if (this.peek(true).type === 'RPAR') {
          this.take(this.peek(true));
        } else {
          for (;;) {
            args.push(this.expression(1));
            var separator = this.peek(true);
            if (separator.type === 'COMMA') { this.take(separator); continue; }
            if (separator.type === 'RPAR') { this.take(separator); break; }
            throw this.unexpectedOperator(separator);
          }
        }
        this.descent -= 1;
        return this.node({type: 'call', name: token.text, arguments: args, depth: deepest(args)},
                         token.offset);
      case 'END':
        var at = this.lexer.position(this.source.replace(new RegExp('[' + SPACE + ']+$'), '').length);
        throw ExpressionError('The expression is incomplete at ' + positionText(at.line, at.column) +
                              ': a value is missing.', at.column, at.line);
      default:
        throw this.lexer.error('Unexpected ' + describe(token) + ' at %(position)s: a value is ' +
                               'missing before it.', token.offset);
    }
  };

  Parser.prototype.expect = function (type) {
    var token = this.peek(true);
    if (token.type !== type) throw this.unexpectedOperator(token);
    return this.take(token);
  };

  // difflib.SequenceMatcher(None, a, b).ratio() (names are short, so nothing counts as junk).
  function similarity(a, b) {
    var matched = 0, ranges = [[0, a.length, 0, b.length]];
    while (ranges.length) {
      var range = ranges.pop(), bestI = range[0], bestJ = range[2], bestSize = 0, lengths = {};
      for (var i = range[0]; i < range[1]; i += 1) {
        var next = {};
        for (var j = range[2]; j < range[3]; j += 1) {
          if (a.charAt(i) !== b.charAt(j)) continue;
          var size = next[j] = (lengths[j - 1] || 0) + 1;
          if (size > bestSize) { bestI = i - size + 1; bestJ = j - size + 1; bestSize = size; }
        }
        lengths = next;
      }
      if (!bestSize) continue;
      matched += bestSize;
      ranges.push([range[0], bestI, range[2], bestJ]);
      ranges.push([bestI + bestSize, range[1], bestJ + bestSize, range[3]]);
    }
    var total = a.length + b.length;
    return total ? 2 * matched / total : 1;
  }

  // difflib.get_close_matches(name, FUNCTIONS, n=1): the best score of at least 0.6, ties
  // going to the larger name.
  function closestFunction(name) {
    var best = null, bestScore = 0;
    Object.keys(FUNCTIONS).forEach(function (candidate) {
      var score = similarity(candidate, name);
      if (score >= 0.6 && (best === null || score > bestScore ||
                           (score === bestScore && compareText(candidate, best) > 0))) {
        best = candidate;
        bestScore = score;
      }
    });
    return best;
  }

  function functionProblem(node) {
    // The first bad call in the order Python's nodes.walk() visits them (depth first, left first).
    if (node.type === 'call') {
      var entry = has(FUNCTIONS, node.name) ? FUNCTIONS[node.name] : null;
      var position = positionText(node.line, node.column);
      if (entry === null) {
        var close = closestFunction(node.name);
        return ExpressionError('Unknown function ' + node.name + '() at ' + position + '.' +
                               (close ? ' Did you mean ' + close + '()?' : ''),
                               node.column, node.line, 'function');
      }
      var count = node.arguments.length;
      if (count < entry.min || (entry.max !== null && count > entry.max)) {
        return ExpressionError(node.name + '() at ' + position + ' takes ' + arityText(entry) +
                               ', not ' + count + '.', node.column, node.line, 'function');
      }
    }
    var children = node.type === 'call' ? node.arguments
      : node.type === 'negate' ? [node.operand]
      : node.type === 'comparison' ? [node.left, node.right]
      : node.operands || [];
    for (var i = 0; i < children.length; i += 1) {
      var problem = functionProblem(children[i]);
      if (problem) return problem;
    }
    return null;
  }

  function parseTree(source) {
    if (typeof source !== 'string') throw new TypeError('an expression must be a string');
    var length = source.length > 2 * MAX_SOURCE_LENGTH ? source.length : Array.from(source).length;
    if (length > MAX_SOURCE_LENGTH) {
      throw ExpressionError('The expression is too long (' + length + ' characters; the limit is ' +
                            MAX_SOURCE_LENGTH + ').');
    }
    if (stripText(source) === '') throw ExpressionError('The expression is empty.');
    var tree;
    try {
      tree = new Parser(source).parse();
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // A stack too small for the guard: still the language's error, not a crash.
      throw ExpressionError('The expression is nested too deeply (the limit is ' + MAX_DEPTH +
                            ' levels); split it into simpler conditions.');
    }
    var problem = functionProblem(tree);
    if (problem) throw problem;
    return tree;
  }

  // ---------------------------------------------------------------- evaluator

  function evaluateNode(node, context) {
    switch (node.type) {
      case 'number': case 'string': return node.value;
      case 'variable':
        return normaliseValue(has(context.answers, node.name) ? context.answers[node.name] : null,
                              node.name);
      case 'current': return context.current;
      case 'negate': return negate(evaluateNode(node.operand, context));
      case 'comparison':
        return compare(node.operator, evaluateNode(node.left, context), evaluateNode(node.right, context));
      case 'logical':
        var stopAt = node.operator === 'or';
        for (var i = 0; i < node.operands.length; i += 1) {
          if (truthy(evaluateNode(node.operands[i], context)) === stopAt) return stopAt;
        }
        return !stopAt;
      case 'arithmetic':
        var result = evaluateNode(node.operands[0], context);
        for (var j = 1; j < node.operands.length; j += 1) {
          result = arithmetic(node.operators[j - 1], result, evaluateNode(node.operands[j], context));
        }
        return result;
      default:  // call
        var entry = FUNCTIONS[node.name];
        var values = node.arguments.map(function (argument) {
          return entry.lazy ? function () { return evaluateNode(argument, context); }
            : evaluateNode(argument, context);
        });
        return entry.implementation(values, context);
    }
  }

  function localToday() {
    var now = new Date();
    return new ExpressionDate(daysOf(now.getFullYear(), now.getMonth() + 1, now.getDate()));
  }

  function makeContext(answers, current, today) {
    if (answers === null || answers === undefined) answers = {};
    if (typeof Map !== 'undefined' && answers instanceof Map) {
      var copy = Object.create(null);
      answers.forEach(function (value, key) { copy[key] = value; });
      answers = copy;
    }
    if (typeof answers !== 'object') throw new TypeError('answers must be an object');
    return {answers: answers, current: normaliseValue(current, '.'),
            lazyToday: today === undefined || today === null ? null : normaliseValue(today, 'today'),
            get today() { return this.lazyToday || (this.lazyToday = localToday()); }};
  }

  function collect(node, found) {
    if (node.type === 'variable') found.variables[node.name] = true;
    if (node.type === 'current') found.usesCurrent = true;
    var children = node.type === 'call' ? node.arguments : node.type === 'negate' ? [node.operand]
      : node.type === 'comparison' ? [node.left, node.right] : node.operands || [];
    children.forEach(function (child) { collect(child, found); });
    return found;
  }

  function Expression(source, tree) {
    var found = collect(tree, {variables: Object.create(null), usesCurrent: false});
    this.source = source;
    this.ast = tree;
    this.variables = Object.keys(found.variables);
    this.usesCurrent = found.usesCurrent;
  }
  Expression.prototype.evaluate = function (answers, current, today) {
    return evaluateNode(this.ast, makeContext(answers, current, today));
  };
  Expression.prototype.evaluateBool = function (answers, current, today) {
    return truthy(this.evaluate(answers, current, today));
  };

  var cache = Object.create(null), cached = 0;

  function parse(source) {
    if (typeof source === 'string' && has(cache, source)) return cache[source];
    var expression = new Expression(source, parseTree(source));
    if (cached >= 4096) { cache = Object.create(null); cached = 0; }
    cache[source] = expression;
    cached += 1;
    return expression;
  }

  global.AnketaExpressions = {
    parse: parse,
    evaluate: function (source, answers, current, today) {
      return parse(source).evaluate(answers, current, today);
    },
    evaluateBool: function (source, answers, current, today) {
      return parse(source).evaluateBool(answers, current, today);
    },
    date: function (text) {
      var date = typeof text === 'string' ? dateFromText(text) : null;
      if (date === null) throw new TypeError('not a YYYY-MM-DD date: ' + text);
      return date;
    },
    truthy: truthy,
    toText: toText,
    ExpressionError: ExpressionError,
    ExpressionDate: ExpressionDate,
    MAX_DEPTH: MAX_DEPTH,
    MAX_SOURCE_LENGTH: MAX_SOURCE_LENGTH
  };
}(typeof window !== 'undefined' ? window : this));
