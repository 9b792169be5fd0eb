//! `posctl plans list`.

use pos_core::format::{pad_end, pad_start, won};
use pos_core::PlanKind;

use crate::cli::Global;
use crate::context::open_store;
use crate::error::{emit, print_json, say, CliError};

pub fn list(global: &Global) -> Result<(), CliError> {
    let plans = open_store(global)?.plans()?;
    if global.json {
        return print_json(&plans);
    }
    let mut out = String::new();
    for plan in plans {
        let price = match plan.kind {
            PlanKind::Pass => won(plan.price),
            PlanKind::Subscription => format!("{}/월", won(plan.price)),
        };
        say!(
            out,
            "{}  {}  {}",
            pad_end(&plan.id, 12),
            pad_end(&plan.name_ko, 14),
            pad_start(&price, 13)
        );
    }
    emit(&out)
}

pub fn set_price(global: &Global, id: &str, price: i64) -> Result<(), CliError> {
    let plan = open_store(global)?.set_plan_price(id, price)?;
    if global.json {
        return print_json(&plan);
    }
    let mut out = String::new();
    say!(
        out,
        "{} ({}) 가격을 {}(으)로 바꿨습니다.",
        plan.name_ko,
        plan.id,
        won(plan.price)
    );
    emit(&out)
}
