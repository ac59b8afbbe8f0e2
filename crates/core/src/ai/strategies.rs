//! The polish strategies, as data: each is a meta-prompt (system message)
//! that tells the model how to rewrite a prompt. Adding a strategy means
//! adding a row to [`STRATEGIES`]; nothing else names them.

use serde::Serialize;

use super::error::AiError;

/// How the strategies are grouped in a menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum StrategyGroup {
    /// Improve the text as it is.
    General,
    /// Change the tone.
    Style,
    /// Tailor the prompt to what it asks for.
    Target,
}

/// One polish strategy.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "StrategyInfo"))]
pub struct StrategyDef {
    /// Stable identifier (`--strategy` on the command line).
    pub id: &'static str,
    pub group: StrategyGroup,
    /// Name shown to the user.
    pub label: &'static str,
    /// The strategy's instruction, appended to [`POLISH_FRAME`].
    #[serde(skip)]
    pub instruction: &'static str,
}

/// The part of every polish meta-prompt that does not depend on the
/// strategy.
pub const POLISH_FRAME: &str = "You are an expert prompt engineer. The user message contains a \
prompt written for an AI model, between <prompt> and </prompt>. Rewrite that prompt as instructed \
below. Keep the author's intent, keep the prompt's language (do not translate it), and keep \
placeholders such as {name}, {{variable}} or [topic] exactly as they are. Do not answer or carry \
out the prompt. Reply with the rewritten prompt only: no preamble, no explanation, no quotes or \
tags around it.\n\nInstruction: ";

/// Every strategy, in menu order.
pub const STRATEGIES: &[StrategyDef] = &[
    StrategyDef {
        id: "grammar",
        group: StrategyGroup::General,
        label: "Grammar & Clarity",
        instruction: "Correct spelling, grammar and punctuation, and make unclear sentences easy \
            to read. Change only what needs changing; keep the structure, length and tone.",
    },
    StrategyDef {
        id: "concise",
        group: StrategyGroup::General,
        label: "Conciseness",
        instruction: "Shorten the prompt while keeping every requirement, constraint and piece of \
            context that changes the result. Remove repetition, filler and politeness formulas; \
            prefer short sentences or a compact list.",
    },
    StrategyDef {
        id: "keywords",
        group: StrategyGroup::General,
        label: "Keyword Optimization",
        instruction: "Make the prompt's subject and purpose explicit with precise, \
            domain-specific keywords, so that both a search for it and the model reading it know \
            exactly what it is about. Replace vague words with specific terms and add missing key \
            terms for the task, the domain, the output format and the audience. Do not append \
            bare keyword lists.",
    },
    StrategyDef {
        id: "style-formal",
        group: StrategyGroup::Style,
        label: "Style: Formal",
        instruction: "Rewrite the prompt in a formal, professional tone: complete sentences, no \
            slang or contractions, courteous and precise. Keep every requirement.",
    },
    StrategyDef {
        id: "style-casual",
        group: StrategyGroup::Style,
        label: "Style: Casual",
        instruction: "Rewrite the prompt in a relaxed, conversational tone, as if talking to a \
            friendly colleague: plain words, contractions welcome. Keep every requirement.",
    },
    StrategyDef {
        id: "style-technical",
        group: StrategyGroup::Style,
        label: "Style: Technical",
        instruction: "Rewrite the prompt in a precise technical register: exact terminology; \
            explicit inputs, outputs, constraints and edge cases; numbered steps or bullet lists \
            where they help. Remove ambiguity.",
    },
    StrategyDef {
        id: "target-mermaid",
        group: StrategyGroup::Target,
        label: "Target: Mermaid diagram",
        instruction: "Optimize the prompt for getting a correct Mermaid diagram. State the diagram \
            type (flowchart, sequenceDiagram, classDiagram, stateDiagram-v2, erDiagram, gantt, ...) \
            and its direction, name the nodes or participants and their relations explicitly, and \
            ask for valid Mermaid syntax only, in a single ```mermaid code block, with labels \
            quoted when they contain special characters.",
    },
    StrategyDef {
        id: "target-image",
        group: StrategyGroup::Target,
        label: "Target: Stable Diffusion image",
        instruction: "Rewrite the prompt as a Stable Diffusion text-to-image prompt: \
            comma-separated descriptive phrases, most important first: subject, action, setting, \
            composition and viewpoint, lighting, medium or style, colour palette, quality terms. \
            On a last line starting with \"Negative prompt:\" list what the image must avoid. No \
            full sentences and no instructions addressed to a model.",
    },
    StrategyDef {
        id: "target-code",
        group: StrategyGroup::Target,
        label: "Target: code generation",
        instruction: "Structure the prompt for a code-generating model: the language (and \
            version), frameworks and libraries; the task; inputs and outputs with their types; \
            constraints (error handling, performance, style, allowed dependencies); edge cases; \
            and the expected deliverable (a function, a file, tests). Use short headed sections \
            or bullet lists, and ask for code with brief comments rather than long explanations.",
    },
];

/// The strategy with this id.
pub fn strategy(id: &str) -> Result<&'static StrategyDef, AiError> {
    STRATEGIES
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(id.trim()))
        .ok_or_else(|| AiError::UnknownStrategy {
            name: id.to_string(),
            known: STRATEGIES
                .iter()
                .map(|s| s.id)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

impl StrategyDef {
    /// The complete system message for this strategy.
    pub fn meta_prompt(&self) -> String {
        format!("{POLISH_FRAME}{}", self.instruction)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_group_is_present() {
        let mut ids: Vec<_> = STRATEGIES.iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), STRATEGIES.len());
        for group in [
            StrategyGroup::General,
            StrategyGroup::Style,
            StrategyGroup::Target,
        ] {
            assert!(STRATEGIES.iter().any(|s| s.group == group), "{group:?}");
        }
    }

    #[test]
    fn lookup_ignores_case_and_lists_the_known_ids_on_error() {
        assert_eq!(
            strategy(" Target-Mermaid ").unwrap().label,
            "Target: Mermaid diagram"
        );
        let err = strategy("shorter").unwrap_err().to_string();
        assert!(
            err.contains("concise") && err.contains("target-code"),
            "{err}"
        );
    }
}
