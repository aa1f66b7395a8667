//! PDF functions (ISO 32000-1 §7.10), as tint transforms of Separation and DeviceN color
//! spaces use them: Type 0 (sampled), Type 2 (exponential interpolation), Type 3
//! (stitching) and Type 4 (PostScript calculator).
//!
//! hayro-interpret evaluates these too, but on hayro-syntax objects; lint reads PDFs with
//! lopdf, so the functions are read here from lopdf objects. Every function is parsed
//! once per color space and bounded: sample tables hold at most [`MAX_SAMPLES`] values
//! (decoded against the file's [`Budget`]), stitching nests at most [`MAX_NESTING`]
//! deep, and a calculator program has at most [`MAX_PS_TOKENS`] tokens, runs at most
//! [`MAX_PS_STEPS`] operators per evaluation and keeps at most [`MAX_PS_STACK`] operands.
//! A function that breaks a limit or does not parse is `None`: its color is not judged.

use lopdf::{Dictionary, Document, Object, Stream};

use super::scan::Budget;

/// Sample values a Type 0 function may hold (a 4-input CLUT of 16⁴ points × 4 outputs is
/// 262 144; real tint transforms are far smaller).
pub const MAX_SAMPLES: usize = 1 << 20;
/// Inputs and outputs of one function (DeviceN allows 32 colorants).
pub const MAX_COMPONENTS: usize = 32;
/// Inputs a Type 0 function interpolates across (2ⁿ corners); beyond, the nearest sample.
const MAX_INTERPOLATED_INPUTS: usize = 8;
/// Depth of Type 3 functions inside one another.
pub const MAX_NESTING: usize = 4;
/// Tokens of a Type 4 program.
pub const MAX_PS_TOKENS: usize = 10_000;
/// Operators one Type 4 evaluation may run (its program has no loops, so a program runs
/// each token at most once; this bounds it anyway).
pub const MAX_PS_STEPS: usize = 20_000;
/// Operand stack depth of a Type 4 program (the specification's limit is 100).
pub const MAX_PS_STACK: usize = 100;

/// A parsed function.
#[derive(Debug, Clone)]
pub struct Function {
    domain: Vec<[f32; 2]>,
    range: Option<Vec<[f32; 2]>>,
    outputs: usize,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Sampled(Sampled),
    Exponential {
        c0: Vec<f32>,
        c1: Vec<f32>,
        n: f32,
    },
    Stitching {
        functions: Vec<Function>,
        bounds: Vec<f32>,
        encode: Vec<[f32; 2]>,
    },
    Calculator(Vec<Token>),
}

#[derive(Debug, Clone)]
struct Sampled {
    size: Vec<usize>,
    encode: Vec<[f32; 2]>,
    decode: Vec<[f32; 2]>,
    /// Samples normalized to 0–1, output-major within each grid point.
    samples: Vec<f32>,
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn floats(doc: &Document, obj: Option<&Object>) -> Option<Vec<f32>> {
    let arr = deref(doc, obj?).as_array().ok()?;
    if arr.len() > 2 * MAX_COMPONENTS + 64 {
        return None;
    }
    arr.iter()
        .map(|o| deref(doc, o).as_float().ok().filter(|v| v.is_finite()))
        .collect()
}

fn pairs(v: &[f32]) -> Option<Vec<[f32; 2]>> {
    if !v.len().is_multiple_of(2) || v.is_empty() {
        return None;
    }
    Some(v.chunks_exact(2).map(|c| [c[0], c[1]]).collect())
}

fn interpolate(x: f32, [x0, x1]: [f32; 2], [y0, y1]: [f32; 2]) -> f32 {
    if (x1 - x0).abs() < f32::EPSILON {
        return y0;
    }
    y0 + (x - x0) * (y1 - y0) / (x1 - x0)
}

impl Function {
    /// Parses a function object (dictionary or stream), decoding sample tables and
    /// programs against `budget`.
    pub fn parse(doc: &Document, obj: &Object, budget: &mut Budget) -> Option<Function> {
        Self::parse_at(doc, obj, budget, 0)
    }

    fn parse_at(
        doc: &Document,
        obj: &Object,
        budget: &mut Budget,
        depth: usize,
    ) -> Option<Function> {
        if depth > MAX_NESTING {
            return None;
        }
        let obj = deref(doc, obj);
        let (dict, stream): (&Dictionary, Option<&Stream>) = match obj {
            Object::Dictionary(d) => (d, None),
            Object::Stream(s) => (&s.dict, Some(s)),
            _ => return None,
        };
        let kind = deref(doc, dict.get(b"FunctionType").ok()?).as_i64().ok()?;
        let domain = pairs(&floats(doc, dict.get(b"Domain").ok())?)?;
        let range = match dict.get(b"Range").ok() {
            Some(r) => Some(pairs(&floats(doc, Some(r))?)?),
            None => None,
        };
        if domain.len() > MAX_COMPONENTS {
            return None;
        }
        let (kind, outputs) = match kind {
            0 => {
                let range = range.as_ref()?;
                let sampled = Sampled::parse(doc, dict, stream?, &domain, range, budget)?;
                (Kind::Sampled(sampled), range.len())
            }
            2 => {
                if domain.len() != 1 {
                    return None;
                }
                let c0 = floats(doc, dict.get(b"C0").ok()).unwrap_or_else(|| vec![0.0]);
                let c1 = floats(doc, dict.get(b"C1").ok()).unwrap_or_else(|| vec![1.0]);
                let n = deref(doc, dict.get(b"N").ok()?).as_float().ok()?;
                if c0.len() != c1.len() || !n.is_finite() {
                    return None;
                }
                let outputs = c0.len();
                (Kind::Exponential { c0, c1, n }, outputs)
            }
            3 => {
                if domain.len() != 1 {
                    return None;
                }
                let list = deref(doc, dict.get(b"Functions").ok()?).as_array().ok()?;
                if list.is_empty() || list.len() > MAX_COMPONENTS * 4 {
                    return None;
                }
                let functions = list
                    .iter()
                    .map(|f| Self::parse_at(doc, f, budget, depth + 1))
                    .collect::<Option<Vec<_>>>()?;
                let bounds = floats(doc, dict.get(b"Bounds").ok())?;
                let encode = pairs(&floats(doc, dict.get(b"Encode").ok())?)?;
                let outputs = functions[0].outputs;
                if bounds.len() + 1 != functions.len()
                    || encode.len() != functions.len()
                    || functions
                        .iter()
                        .any(|f| f.outputs != outputs || f.domain.len() != 1)
                {
                    return None;
                }
                (
                    Kind::Stitching {
                        functions,
                        bounds,
                        encode,
                    },
                    outputs,
                )
            }
            4 => {
                let range = range.as_ref()?;
                let code = budget.decode(stream?)?;
                (Kind::Calculator(parse_program(&code)?), range.len())
            }
            _ => return None,
        };
        if outputs == 0 || outputs > MAX_COMPONENTS {
            return None;
        }
        Some(Function {
            domain,
            range,
            outputs,
            kind,
        })
    }

    /// Inputs the function takes.
    pub fn inputs(&self) -> usize {
        self.domain.len()
    }

    /// Values the function gives.
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// About how many steps one evaluation takes (what the scan charges its budget).
    pub fn cost(&self) -> u64 {
        let own = match &self.kind {
            Kind::Sampled(s) => {
                (1u64 << s.size.len().min(MAX_INTERPOLATED_INPUTS)) * s.decode.len() as u64
            }
            Kind::Exponential { c0, .. } => c0.len() as u64,
            Kind::Stitching { functions, .. } => {
                functions.iter().map(Function::cost).max().unwrap_or(0)
            }
            Kind::Calculator(program) => tokens(program) as u64,
        };
        own + 1
    }

    /// Evaluates the function; `None` when the input has the wrong length or the
    /// program fails (stack underflow, a limit).
    pub fn eval(&self, input: &[f32]) -> Option<Vec<f32>> {
        if input.len() != self.domain.len() {
            return None;
        }
        let x: Vec<f32> = input
            .iter()
            .zip(&self.domain)
            .map(|(v, [a, b])| {
                if v.is_finite() {
                    v.clamp(*a, b.max(*a))
                } else {
                    *a
                }
            })
            .collect();
        let mut out = match &self.kind {
            Kind::Sampled(s) => s.eval(&x, &self.domain),
            Kind::Exponential { c0, c1, n } => {
                let t = x[0].powf(*n);
                if !t.is_finite() {
                    return None;
                }
                c0.iter().zip(c1).map(|(a, b)| a + t * (b - a)).collect()
            }
            Kind::Stitching {
                functions,
                bounds,
                encode,
            } => {
                let v = x[0];
                let [d0, d1] = self.domain[0];
                let k = bounds.iter().take_while(|b| v >= **b).count();
                let lo = if k == 0 { d0 } else { bounds[k - 1] };
                let hi = if k == bounds.len() { d1 } else { bounds[k] };
                functions[k].eval(&[interpolate(v, [lo, hi], encode[k])])?
            }
            Kind::Calculator(program) => {
                let mut stack: Vec<Value> = x.iter().map(|v| Value::Num(*v)).collect();
                let mut steps = 0;
                run(program, &mut stack, &mut steps)?;
                if stack.len() < self.outputs {
                    return None;
                }
                stack[stack.len() - self.outputs..]
                    .iter()
                    .map(|v| match v {
                        Value::Num(n) => Some(*n),
                        Value::Bool(_) => None,
                    })
                    .collect::<Option<Vec<_>>>()?
            }
        };
        if out.len() != self.outputs || out.iter().any(|v| !v.is_finite()) {
            return None;
        }
        if let Some(range) = &self.range {
            for (v, [a, b]) in out.iter_mut().zip(range) {
                *v = v.clamp(*a, b.max(*a));
            }
        }
        Some(out)
    }
}

impl Sampled {
    fn parse(
        doc: &Document,
        dict: &Dictionary,
        stream: &Stream,
        domain: &[[f32; 2]],
        range: &[[f32; 2]],
        budget: &mut Budget,
    ) -> Option<Sampled> {
        let size: Vec<usize> = floats(doc, dict.get(b"Size").ok())?
            .into_iter()
            .map(|v| (v >= 1.0 && v.fract() == 0.0).then_some(v as usize))
            .collect::<Option<_>>()?;
        if size.len() != domain.len() || range.is_empty() {
            return None;
        }
        let bits = deref(doc, dict.get(b"BitsPerSample").ok()?).as_i64().ok()?;
        if !matches!(bits, 1 | 2 | 4 | 8 | 12 | 16 | 24 | 32) {
            return None;
        }
        let mut count = range.len();
        for s in &size {
            count = count.checked_mul(*s).filter(|c| *c <= MAX_SAMPLES)?;
        }
        let encode = match dict.get(b"Encode").ok() {
            Some(e) => pairs(&floats(doc, Some(e))?)?,
            None => size.iter().map(|s| [0.0, (*s - 1) as f32]).collect(),
        };
        let decode = match dict.get(b"Decode").ok() {
            Some(d) => pairs(&floats(doc, Some(d))?)?,
            None => range.to_vec(),
        };
        if encode.len() != size.len() || decode.len() != range.len() {
            return None;
        }
        let data = budget.decode(stream)?;
        let bits = bits as usize;
        if data.len().checked_mul(8)? < count * bits {
            return None;
        }
        let max = ((1u64 << bits) - 1) as f64;
        let samples = (0..count)
            .map(|i| (read_bits(&data, i * bits, bits) as f64 / max) as f32)
            .collect();
        Some(Sampled {
            size,
            encode,
            decode,
            samples,
        })
    }

    fn eval(&self, x: &[f32], domain: &[[f32; 2]]) -> Vec<f32> {
        let outputs = self.decode.len();
        // Position of the input in the grid, per dimension: lower index and fraction.
        let mut cells = Vec::with_capacity(x.len());
        for (i, v) in x.iter().enumerate() {
            let last = (self.size[i] - 1) as f32;
            let e = interpolate(*v, domain[i], self.encode[i]).clamp(0.0, last);
            let lo = e.floor();
            cells.push((lo as usize, e - lo));
        }
        let strides: Vec<usize> = self
            .size
            .iter()
            .scan(outputs, |s, n| {
                let here = *s;
                *s *= n;
                Some(here)
            })
            .collect();
        let mut out = vec![0.0f32; outputs];
        if cells.len() > MAX_INTERPOLATED_INPUTS {
            let base: usize = cells
                .iter()
                .zip(&strides)
                .map(|((lo, f), s)| (lo + usize::from(*f >= 0.5)) * s)
                .sum();
            for (o, v) in out.iter_mut().enumerate() {
                *v = self.samples.get(base + o).copied().unwrap_or(0.0);
            }
        } else {
            // Multilinear interpolation over the 2ⁿ corners of the cell.
            for corner in 0..(1usize << cells.len()) {
                let mut weight = 1.0f32;
                let mut base = 0;
                for (d, ((lo, f), s)) in cells.iter().zip(&strides).enumerate() {
                    let up = corner >> d & 1 == 1;
                    let idx = if up {
                        (lo + 1).min(self.size[d] - 1)
                    } else {
                        *lo
                    };
                    weight *= if up { *f } else { 1.0 - f };
                    base += idx * s;
                }
                if weight == 0.0 {
                    continue;
                }
                for (o, v) in out.iter_mut().enumerate() {
                    *v += weight * self.samples.get(base + o).copied().unwrap_or(0.0);
                }
            }
        }
        for (v, d) in out.iter_mut().zip(&self.decode) {
            *v = interpolate(*v, [0.0, 1.0], *d);
        }
        out
    }
}

/// `bits` bits (≤ 32) from bit offset `at`, most significant first.
fn read_bits(data: &[u8], at: usize, bits: usize) -> u64 {
    let mut v = 0u64;
    for i in at..at + bits {
        let byte = data.get(i / 8).copied().unwrap_or(0);
        v = v << 1 | u64::from(byte >> (7 - i % 8) & 1);
    }
    v
}

// ------------------------------------------------------------------ Type 4

#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Num(f32),
    Bool(bool),
}

#[derive(Debug, Clone)]
enum Token {
    Num(f32),
    Bool(bool),
    Op(Op),
    /// `{…} if` and `{…} {…} ifelse`.
    If(Vec<Token>, Option<Vec<Token>>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Abs,
    Add,
    Atan,
    Ceiling,
    Cos,
    Cvi,
    Cvr,
    Div,
    Exp,
    Floor,
    Idiv,
    Ln,
    Log,
    Mod,
    Mul,
    Neg,
    Round,
    Sin,
    Sqrt,
    Sub,
    Truncate,
    And,
    Bitshift,
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
    Ne,
    Not,
    Or,
    Xor,
    Copy,
    Dup,
    Exch,
    Index,
    Pop,
    Roll,
}

fn op(word: &str) -> Option<Op> {
    Some(match word {
        "abs" => Op::Abs,
        "add" => Op::Add,
        "atan" => Op::Atan,
        "ceiling" => Op::Ceiling,
        "cos" => Op::Cos,
        "cvi" => Op::Cvi,
        "cvr" => Op::Cvr,
        "div" => Op::Div,
        "exp" => Op::Exp,
        "floor" => Op::Floor,
        "idiv" => Op::Idiv,
        "ln" => Op::Ln,
        "log" => Op::Log,
        "mod" => Op::Mod,
        "mul" => Op::Mul,
        "neg" => Op::Neg,
        "round" => Op::Round,
        "sin" => Op::Sin,
        "sqrt" => Op::Sqrt,
        "sub" => Op::Sub,
        "truncate" => Op::Truncate,
        "and" => Op::And,
        "bitshift" => Op::Bitshift,
        "eq" => Op::Eq,
        "ge" => Op::Ge,
        "gt" => Op::Gt,
        "le" => Op::Le,
        "lt" => Op::Lt,
        "ne" => Op::Ne,
        "not" => Op::Not,
        "or" => Op::Or,
        "xor" => Op::Xor,
        "copy" => Op::Copy,
        "dup" => Op::Dup,
        "exch" => Op::Exch,
        "index" => Op::Index,
        "pop" => Op::Pop,
        "roll" => Op::Roll,
        _ => return None,
    })
}

/// Splits a calculator program into words and braces.
fn words(code: &[u8]) -> Option<Vec<&str>> {
    let text = std::str::from_utf8(code).ok()?;
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\0');
        if rest.starts_with('%') {
            rest = rest.find(['\n', '\r']).map_or("", |i| &rest[i..]);
            continue;
        }
        if rest.is_empty() {
            break;
        }
        let len = if rest.starts_with(['{', '}']) {
            1
        } else {
            rest.find(|c: char| c.is_ascii_whitespace() || matches!(c, '{' | '}' | '%'))
                .unwrap_or(rest.len())
        };
        out.push(&rest[..len]);
        if out.len() > MAX_PS_TOKENS {
            return None;
        }
        rest = &rest[len..];
    }
    Some(out)
}

/// Parses a Type 4 program: `{ … }` with nested procedures only before `if`/`ifelse`.
fn parse_program(code: &[u8]) -> Option<Vec<Token>> {
    let words = words(code)?;
    if words.first() != Some(&"{") {
        return None;
    }
    let mut at = 1;
    let program = parse_block(&words, &mut at, 0)?;
    Some(program)
}

fn parse_block(words: &[&str], at: &mut usize, depth: usize) -> Option<Vec<Token>> {
    if depth > 32 {
        return None;
    }
    let mut out: Vec<Token> = Vec::new();
    // Procedures read but not yet consumed by if/ifelse.
    let mut pending: Vec<Vec<Token>> = Vec::new();
    while let Some(word) = words.get(*at) {
        *at += 1;
        match *word {
            "}" => return pending.is_empty().then_some(out),
            "{" => pending.push(parse_block(words, at, depth + 1)?),
            "if" => {
                let then = pending.pop()?;
                if !pending.is_empty() {
                    return None;
                }
                out.push(Token::If(then, None));
            }
            "ifelse" => {
                let otherwise = pending.pop()?;
                let then = pending.pop()?;
                if !pending.is_empty() {
                    return None;
                }
                out.push(Token::If(then, Some(otherwise)));
            }
            "true" => out.push(Token::Bool(true)),
            "false" => out.push(Token::Bool(false)),
            w => {
                if !pending.is_empty() {
                    return None;
                }
                if let Some(o) = op(w) {
                    out.push(Token::Op(o));
                } else {
                    let v: f32 = w.parse().ok()?;
                    out.push(Token::Num(v));
                }
            }
        }
    }
    None // no closing brace
}

/// Tokens of a program, those of its procedures included.
fn tokens(program: &[Token]) -> usize {
    program
        .iter()
        .map(|t| match t {
            Token::If(then, otherwise) => 1 + tokens(then) + otherwise.as_deref().map_or(0, tokens),
            _ => 1,
        })
        .sum()
}

fn run(program: &[Token], stack: &mut Vec<Value>, steps: &mut usize) -> Option<()> {
    for token in program {
        *steps += 1;
        if *steps > MAX_PS_STEPS {
            return None;
        }
        match token {
            Token::Num(v) => push(stack, Value::Num(*v))?,
            Token::Bool(b) => push(stack, Value::Bool(*b))?,
            Token::If(then, otherwise) => {
                let Value::Bool(c) = stack.pop()? else {
                    return None;
                };
                if c {
                    run(then, stack, steps)?;
                } else if let Some(otherwise) = otherwise {
                    run(otherwise, stack, steps)?;
                }
            }
            Token::Op(o) => apply(*o, stack)?,
        }
    }
    Some(())
}

fn push(stack: &mut Vec<Value>, v: Value) -> Option<()> {
    if stack.len() >= MAX_PS_STACK {
        return None;
    }
    stack.push(v);
    Some(())
}

fn num(stack: &mut Vec<Value>) -> Option<f32> {
    match stack.pop()? {
        Value::Num(v) => Some(v),
        Value::Bool(_) => None,
    }
}

fn int(stack: &mut Vec<Value>) -> Option<i64> {
    let v = num(stack)?;
    (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

fn apply(o: Op, stack: &mut Vec<Value>) -> Option<()> {
    use Value::{Bool, Num};
    let unary = |stack: &mut Vec<Value>, f: fn(f32) -> f32| -> Option<()> {
        let v = num(stack)?;
        push(stack, Num(f(v)))
    };
    let binary = |stack: &mut Vec<Value>, f: fn(f32, f32) -> f32| -> Option<()> {
        let b = num(stack)?;
        let a = num(stack)?;
        push(stack, Num(f(a, b)))
    };
    let compare = |stack: &mut Vec<Value>, f: fn(f32, f32) -> bool| -> Option<()> {
        let b = num(stack)?;
        let a = num(stack)?;
        push(stack, Bool(f(a, b)))
    };
    match o {
        Op::Abs => unary(stack, f32::abs),
        Op::Add => binary(stack, |a, b| a + b),
        Op::Atan => binary(stack, |a, b| {
            let d = a.atan2(b).to_degrees();
            if d < 0.0 { d + 360.0 } else { d }
        }),
        Op::Ceiling => unary(stack, f32::ceil),
        Op::Cos => unary(stack, |a| a.to_radians().cos()),
        Op::Cvi | Op::Truncate => unary(stack, f32::trunc),
        Op::Cvr => unary(stack, |a| a),
        Op::Div => {
            let b = num(stack)?;
            let a = num(stack)?;
            if b == 0.0 {
                return None;
            }
            push(stack, Num(a / b))
        }
        Op::Exp => binary(stack, f32::powf),
        Op::Floor => unary(stack, f32::floor),
        Op::Idiv | Op::Mod => {
            let b = int(stack)?;
            let a = int(stack)?;
            if b == 0 {
                return None;
            }
            let r = if o == Op::Idiv { a / b } else { a % b };
            push(stack, Num(r as f32))
        }
        Op::Ln => unary(stack, f32::ln),
        Op::Log => unary(stack, f32::log10),
        Op::Mul => binary(stack, |a, b| a * b),
        Op::Neg => unary(stack, |a| -a),
        Op::Round => unary(stack, |a| (a + 0.5).floor()),
        Op::Sin => unary(stack, |a| a.to_radians().sin()),
        Op::Sqrt => unary(stack, f32::sqrt),
        Op::Sub => binary(stack, |a, b| a - b),
        Op::Eq | Op::Ne => {
            let b = stack.pop()?;
            let a = stack.pop()?;
            let same = a == b;
            push(stack, Bool(if o == Op::Eq { same } else { !same }))
        }
        Op::Ge => compare(stack, |a, b| a >= b),
        Op::Gt => compare(stack, |a, b| a > b),
        Op::Le => compare(stack, |a, b| a <= b),
        Op::Lt => compare(stack, |a, b| a < b),
        Op::And | Op::Or | Op::Xor => {
            let b = stack.pop()?;
            let a = stack.pop()?;
            let v = match (a, b) {
                (Bool(a), Bool(b)) => Bool(match o {
                    Op::And => a && b,
                    Op::Or => a || b,
                    _ => a ^ b,
                }),
                (Num(a), Num(b)) if a.fract() == 0.0 && b.fract() == 0.0 => {
                    let (a, b) = (a as i64, b as i64);
                    Num(match o {
                        Op::And => a & b,
                        Op::Or => a | b,
                        _ => a ^ b,
                    } as f32)
                }
                _ => return None,
            };
            push(stack, v)
        }
        Op::Not => {
            let v = match stack.pop()? {
                Bool(b) => Bool(!b),
                Num(n) if n.fract() == 0.0 => Num(!(n as i64) as f32),
                Num(_) => return None,
            };
            push(stack, v)
        }
        Op::Bitshift => {
            let shift = int(stack)?;
            let v = int(stack)?;
            if shift.abs() > 62 {
                return push(stack, Num(0.0));
            }
            let r = if shift >= 0 { v << shift } else { v >> -shift };
            push(stack, Num(r as f32))
        }
        Op::Copy => {
            let n = usize::try_from(int(stack)?).ok()?;
            if n > stack.len() {
                return None;
            }
            let from = stack.len() - n;
            for i in from..from + n {
                push(stack, stack[i])?;
            }
            Some(())
        }
        Op::Dup => {
            let v = *stack.last()?;
            push(stack, v)
        }
        Op::Exch => {
            let b = stack.pop()?;
            let a = stack.pop()?;
            stack.push(b);
            stack.push(a);
            Some(())
        }
        Op::Index => {
            let n = usize::try_from(int(stack)?).ok()?;
            let v = *stack.get(stack.len().checked_sub(n + 1)?)?;
            push(stack, v)
        }
        Op::Pop => stack.pop().map(|_| ()),
        Op::Roll => {
            let j = int(stack)?;
            let n = usize::try_from(int(stack)?).ok()?;
            if n > stack.len() {
                return None;
            }
            if n > 0 {
                let from = stack.len() - n;
                let k = j.rem_euclid(n as i64) as usize;
                stack[from..].rotate_right(k);
            }
            Some(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn parse(obj: Object) -> Option<Function> {
        let doc = Document::with_version("1.7");
        Function::parse(&doc, &obj, &mut Budget::default())
    }

    fn ps(code: &str, domain: Vec<Object>, range: Vec<Object>) -> Object {
        Object::Stream(Stream::new(
            dictionary! { "FunctionType" => 4, "Domain" => domain, "Range" => range },
            code.as_bytes().to_vec(),
        ))
    }

    #[test]
    fn exponential_tint_transform() {
        // A Pantone-485-like red: tint 1 → cmyk(0, 95, 100, 0).
        let f = parse(Object::Dictionary(dictionary! {
            "FunctionType" => 2, "Domain" => vec![0.into(), 1.into()],
            "C0" => vec![0.into(), 0.into(), 0.into(), 0.into()],
            "C1" => vec![0.into(), 0.95.into(), 1.into(), 0.into()],
            "N" => 1,
        }))
        .unwrap();
        assert_eq!(f.inputs(), 1);
        assert_eq!(f.outputs(), 4);
        let v = f.eval(&[1.0]).unwrap();
        assert!((v[1] - 0.95).abs() < 1e-6 && (v[2] - 1.0).abs() < 1e-6);
        let half = f.eval(&[0.5]).unwrap();
        assert!((half[1] - 0.475).abs() < 1e-6);
        // Out-of-domain input is clamped.
        assert_eq!(f.eval(&[7.0]).unwrap(), v);
        assert!(f.eval(&[0.5, 0.5]).is_none());
    }

    #[test]
    fn sampled_interpolates_and_decodes() {
        // 1 input, 2 samples, 3 outputs, 8 bits: white → #FF0000.
        let f = parse(Object::Stream(Stream::new(
            dictionary! {
                "FunctionType" => 0, "Domain" => vec![0.into(), 1.into()],
                "Range" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
                "Size" => vec![2.into()], "BitsPerSample" => 8,
            },
            vec![255, 255, 255, 255, 0, 0],
        )))
        .unwrap();
        let v = f.eval(&[1.0]).unwrap();
        assert_eq!(v, vec![1.0, 0.0, 0.0]);
        let mid = f.eval(&[0.5]).unwrap();
        assert!((mid[1] - 0.5).abs() < 1e-3, "{mid:?}");
        // A table too short for its Size is refused, as is one beyond the sample limit.
        assert!(
            parse(Object::Stream(Stream::new(
                dictionary! {
                    "FunctionType" => 0, "Domain" => vec![0.into(), 1.into()],
                    "Range" => vec![0.into(), 1.into()],
                    "Size" => vec![300.into()], "BitsPerSample" => 8,
                },
                vec![0; 10],
            )))
            .is_none()
        );
        assert!(
            parse(Object::Stream(Stream::new(
                dictionary! {
                    "FunctionType" => 0,
                    "Domain" => vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
                    "Range" => vec![0.into(), 1.into()],
                    "Size" => vec![2000.into(), 2000.into(), 2000.into()], "BitsPerSample" => 8,
                },
                vec![0; 10],
            )))
            .is_none()
        );
    }

    #[test]
    fn stitching_picks_the_subdomain() {
        let part = |a: f32, b: f32| {
            Object::Dictionary(dictionary! {
                "FunctionType" => 2, "Domain" => vec![0.into(), 1.into()],
                "C0" => vec![a.into()], "C1" => vec![b.into()], "N" => 1,
            })
        };
        let f = parse(Object::Dictionary(dictionary! {
            "FunctionType" => 3, "Domain" => vec![0.into(), 1.into()],
            "Functions" => vec![part(0.0, 1.0), part(1.0, 0.0)],
            "Bounds" => vec![0.5.into()],
            "Encode" => vec![0.into(), 1.into(), 0.into(), 1.into()],
        }))
        .unwrap();
        assert!((f.eval(&[0.25]).unwrap()[0] - 0.5).abs() < 1e-6);
        assert!((f.eval(&[0.75]).unwrap()[0] - 0.5).abs() < 1e-6);
        assert!((f.eval(&[0.5]).unwrap()[0] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn calculator_programs() {
        let unit = || vec![0.into(), 1.into()];
        let cmyk_range = || (0..8).map(|i| Object::from(i % 2)).collect::<Vec<_>>();
        // A typical Separation transform: t → 0 t*0.95 t 0.
        let f = parse(ps("{dup 0.95 mul exch 0 3 1 roll 0}", unit(), cmyk_range())).unwrap();
        assert_eq!(f.eval(&[1.0]).unwrap(), vec![0.0, 0.95, 1.0, 0.0]);
        assert_eq!(f.eval(&[0.0]).unwrap(), vec![0.0; 4]);
        let f = parse(ps(
            "{ dup 0.5 gt { pop 1 } { 2 mul } ifelse 0 0 }",
            unit(),
            vec![0.into(), 1.into(), 0.into(), 1.into(), 0.into(), 1.into()],
        ))
        .unwrap();
        assert_eq!(f.eval(&[0.75]).unwrap(), vec![1.0, 0.0, 0.0]);
        assert_eq!(f.eval(&[0.25]).unwrap(), vec![0.5, 0.0, 0.0]);
        // roll, index, copy
        let f = parse(ps(
            "{ 1 2 3 3 1 roll 2 index 2 copy pop pop pop pop pop }",
            unit(),
            vec![0.into(), 10.into(), 0.into(), 10.into()],
        ))
        .unwrap();
        assert_eq!(f.eval(&[0.5]).unwrap(), vec![0.5, 3.0]);
        // Broken programs are refused, not run: unbalanced braces, unknown operators,
        // stack underflow, stack overflow, division by zero.
        assert!(parse(ps("{ 1 2 add", unit(), unit())).is_none());
        assert!(parse(ps("{ 1 frobnicate }", unit(), unit())).is_none());
        let under = parse(ps("{ pop pop add }", unit(), unit())).unwrap();
        assert!(under.eval(&[0.5]).is_none());
        let deep = format!("{{ {} }}", "dup ".repeat(200));
        assert!(
            parse(ps(&deep, unit(), unit()))
                .unwrap()
                .eval(&[0.5])
                .is_none()
        );
        let zero = parse(ps("{ 0 div }", unit(), unit())).unwrap();
        assert!(zero.eval(&[0.5]).is_none());
        let long = format!("{{ {} }}", "0 pop ".repeat(MAX_PS_TOKENS));
        assert!(parse(ps(&long, unit(), unit())).is_none());
    }
}
