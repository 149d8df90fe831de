//! `keytrail rules list|show|check`, and loading rule files for `detect`.

use std::fs;
use std::path::{Path, PathBuf};

use keytrail::detect::{self, Rule};
use keytrail::query::sql::SqlContext;
use keytrail::render::escape::{visible, visible_lines, visible_path};
use keytrail::render::{self, OutputFormat};
use keytrail::time::{self, Zone};
use keytrail::{Error, Result};

use crate::cli::{RulesCheckArgs, RulesCommand, RulesListArgs, RulesShowArgs};

/// Runs one rules subcommand.
pub fn run(command: RulesCommand) -> Result<i32> {
    match command {
        RulesCommand::List(args) => list(args),
        RulesCommand::Show(args) => show(args),
        RulesCommand::Check(args) => check(args),
    }
}

/// The built-in rules (unless `builtin` is false) followed by those of `paths` (files, or
/// directories whose `*.toml` files are read in name order). Ids must be unique.
pub fn load(paths: &[PathBuf], builtin: bool) -> Result<Vec<Rule>> {
    let mut rules = if builtin {
        detect::builtin_rules()
    } else {
        Vec::new()
    };
    for file in rule_files(paths)? {
        let text = fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
        let parsed = detect::parse_rules(&text, &file.display().to_string())
            .map_err(|e| Error::Usage(e.to_string()))?;
        for rule in parsed {
            if let Some(other) = rules.iter().find(|r| r.id == rule.id) {
                return Err(Error::Usage(format!(
                    "{}:{}: rule id {:?} is already defined at {}:{}",
                    rule.origin, rule.line, rule.id, other.origin, other.line
                )));
            }
            rules.push(rule);
        }
    }
    Ok(rules)
}

fn rule_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = fs::read_dir(path)
                .map_err(|e| Error::io(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            out.extend(files);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(Error::Usage(format!(
                "{}: no such rule file or directory",
                path.display()
            )));
        }
    }
    Ok(out)
}

fn list(args: RulesListArgs) -> Result<i32> {
    let format = OutputFormat::parse(&args.format).map_err(Error::Usage)?;
    let rules = load(&args.rules, !args.no_builtin)?;
    render::output::emit(&render::detect::rules_report(&rules), format, None)?;
    Ok(0)
}

fn show(args: RulesShowArgs) -> Result<i32> {
    let format = OutputFormat::parse(&args.format).map_err(Error::Usage)?;
    let rules = load(&args.rules, true)?;
    let rule = rules.iter().find(|r| r.id == args.id).ok_or_else(|| {
        Error::Usage(format!(
            "no rule with id {:?} (see `keytrail rules list`)",
            args.id
        ))
    })?;
    render::output::emit(&render::detect::rule_report(rule), format, None)?;
    Ok(0)
}

fn check(args: RulesCheckArgs) -> Result<i32> {
    let rules = load(std::slice::from_ref(&args.file), false)?;
    let zone = Zone::parse("UTC").map_err(Error::Usage)?;
    let ctx = SqlContext {
        zone,
        now: time::now(),
        geoip: None,
    };
    let mut bad = 0;
    for rule in &rules {
        if let Err(e) = detect::validate(rule, &ctx) {
            render::stderr::shown(&format!(
                "{}:{}: rule {}: {}",
                display(&args.file),
                rule.line,
                visible(&rule.id),
                visible_lines(&e.to_string())
            ));
            bad += 1;
        }
    }
    if bad > 0 {
        return Err(Error::Usage(format!(
            "{bad} of {} rules are invalid",
            rules.len()
        )));
    }
    println!("{}: {} rules OK", display(&args.file), rules.len());
    Ok(0)
}

fn display(path: &Path) -> String {
    visible_path(path).into_owned()
}
