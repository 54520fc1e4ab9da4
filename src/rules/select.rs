//! `select` / `extend-select` / `ignore`: which rules run, by code, code prefix or name.

use super::registry;
use crate::diagnostic::{Activation, RuleInfo};

/// The rules a run reports: layers of `select` / `extend-select` / `ignore` (the configuration
/// file's, then the command line's), each applied over the one before, as ruff does.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    layers: Vec<Layer>,
}

/// One source of selectors.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    /// When given, exactly these rules (then `extend_select`, less `ignore`).
    pub select: Option<Vec<String>>,
    /// Rules added to those already enabled.
    pub extend_select: Vec<String>,
    /// Rules removed.
    pub ignore: Vec<String>,
}

/// A selector that names no rule.
#[derive(Debug, Clone, thiserror::Error)]
#[error("`{0}` is not a rule code, code prefix or rule name")]
pub struct SelectionError(pub String);

/// How specifically `selector` names `rule`: None when it does not, 0 for `ALL`, the prefix
/// length for a code prefix, more than any prefix for the full code or the name.
fn specificity(selector: &str, rule: &RuleInfo) -> Option<usize> {
    if selector.eq_ignore_ascii_case("ALL") {
        Some(0)
    } else if rule.name.eq_ignore_ascii_case(selector) || rule.code.eq_ignore_ascii_case(selector) {
        Some(usize::MAX)
    } else {
        (rule.code.len() >= selector.len()
            && rule.code[..selector.len()].eq_ignore_ascii_case(selector))
        .then_some(selector.len())
    }
}

/// True when `selector` names at least one rule.
pub fn names_a_rule(selector: &str) -> bool {
    registry().any(|r| specificity(selector, r).is_some())
}

fn best<'a>(selectors: impl IntoIterator<Item = &'a String>, rule: &RuleInfo) -> Option<usize> {
    selectors
        .into_iter()
        .filter_map(|s| specificity(s, rule))
        .max()
}

impl Layer {
    /// The layer's verdict on `rule` given the verdict below it: within a layer, the more
    /// specific of a select and an ignore wins (`ignore = ["KAF"]`, `select = ["KAF001"]`
    /// keeps KAF001), and an ignore wins a tie.
    fn decide(&self, rule: &RuleInfo, below: bool) -> bool {
        let selected = best(
            self.select.iter().flatten().chain(&self.extend_select),
            rule,
        );
        match (selected, best(&self.ignore, rule)) {
            (Some(s), Some(i)) => s > i,
            (None, Some(_)) => false,
            (Some(_), None) => true,
            (None, None) => below && self.select.is_none(),
        }
    }

    /// Every selector of the layer, for validation.
    fn selectors(&self) -> impl Iterator<Item = &String> {
        self.select
            .iter()
            .flatten()
            .chain(&self.extend_select)
            .chain(&self.ignore)
    }
}

impl Selection {
    /// One layer from the command line: an empty `select` means every rule.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, SelectionError> {
        Selection::default().with(Layer {
            select: (!select.is_empty()).then(|| select.to_vec()),
            extend_select: Vec::new(),
            ignore: ignore.to_vec(),
        })
    }

    /// Adds a layer over the existing ones; every selector must name at least one rule.
    pub fn with(mut self, layer: Layer) -> Result<Self, SelectionError> {
        if let Some(bad) = layer.selectors().find(|s| !names_a_rule(s)) {
            return Err(SelectionError(bad.clone()));
        }
        self.layers.push(layer);
        Ok(self)
    }

    /// The layers, bottom first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// True when `rule` is reported: an opt-in rule starts disabled, so only a selector that
    /// names it (its code, a prefix, its name or `ALL`) turns it on.
    pub fn enabled(&self, rule: &RuleInfo) -> bool {
        let base = rule.activation == Activation::Default;
        self.layers
            .iter()
            .fold(base, |below, layer| layer.decide(rule, below))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::codes as load;
    use crate::project::schema::codes as schema;

    #[test]
    fn codes_prefixes_and_names() {
        let s = Selection::new(&["SYN".into()], &["duplicate-key".into()]).unwrap();
        assert!(s.enabled(&load::INVALID_YAML));
        assert!(!s.enabled(&load::DUPLICATE_KEY));
        assert!(!s.enabled(&schema::UNKNOWN_KEY));
        let s = Selection::new(&["sch001".into()], &[]).unwrap();
        assert!(s.enabled(&schema::UNKNOWN_KEY));
        assert!(!s.enabled(&schema::WRONG_TYPE));
        assert!(Selection::new(&["NOPE".into()], &[]).is_err());
    }

    fn layer(select: Option<&[&str]>, extend: &[&str], ignore: &[&str]) -> Layer {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Layer {
            select: select.map(own),
            extend_select: own(extend),
            ignore: own(ignore),
        }
    }

    #[test]
    fn layers_apply_in_order_and_the_more_specific_selector_wins_in_a_layer() {
        use crate::rules::kafka::advertised_address_unusable::INFO as KAF002;
        use crate::rules::kafka::zookeeper_connect_loopback::INFO as KAF001;
        // The file ignores KAF but selects KAF001: the code is more specific than the prefix.
        let file = Selection::default()
            .with(layer(Some(&["KAF001", "SYN"]), &[], &["KAF"]))
            .unwrap();
        assert!(file.enabled(&KAF001));
        assert!(!file.enabled(&KAF002));
        assert!(file.enabled(&load::INVALID_YAML));
        // The command line's --select replaces the file's; --extend-select adds to it.
        let cli = file
            .clone()
            .with(layer(Some(&["KAF002"]), &[], &[]))
            .unwrap();
        assert!(!cli.enabled(&KAF001));
        assert!(cli.enabled(&KAF002));
        let cli = file.clone().with(layer(None, &["KAF002"], &[])).unwrap();
        assert!(cli.enabled(&KAF001) && cli.enabled(&KAF002));
        let cli = file
            .with(layer(None, &[], &["zookeeper-connect-loopback"]))
            .unwrap();
        assert!(!cli.enabled(&KAF001));
    }

    #[test]
    fn an_opt_in_rule_runs_only_when_a_selector_names_it() {
        use crate::diagnostic::{FixAvailability, Platform, Severity};
        static STYLE: RuleInfo = RuleInfo {
            code: "KAF999",
            name: "an-opt-in-rule",
            severity: Severity::Info,
            platforms: &Platform::ALL,
            fix: FixAvailability::None,
            activation: Activation::OptIn,
            doc: "",
        };
        // Selectors are not validated here: the rule above is not registered.
        let on = |layers: Vec<Layer>| Selection { layers }.enabled(&STYLE);
        assert!(!on(vec![]));
        // An ignore of other rules does not switch it on.
        assert!(!on(vec![layer(None, &[], &["SYN"])]));
        for selector in ["KAF", "KAF999", "an-opt-in-rule", "ALL"] {
            assert!(on(vec![layer(None, &[selector], &[])]), "{selector}");
            assert!(on(vec![layer(Some(&[selector]), &[], &[])]), "{selector}");
        }
        // A configuration file's extend-select survives a command line without selectors.
        assert!(on(vec![
            layer(None, &["KAF999"], &[]),
            layer(None, &[], &[])
        ]));
        assert!(!on(vec![layer(Some(&["ALL"]), &[], &["KAF999"])]));
    }
}
