//! Expand: checked plans → a `static` of `'static` data built in const
//! context. Every path is absolute (`::migrate_dsl::__private`), and each
//! slice is its own `const` so its temporaries live for `'static`.

use crate::parse::{Header, HookPaths};
use migrate_dsl_core::model::Schema;
use migrate_dsl_core::plan::{
    ConstraintCheck, Down, HookCall, InPlaceStep, NativeAlter, NotNullCheck, PgStep, Rebuild,
    RevisionPlan, Statement, Step,
};
use migrate_dsl_core::render;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The `static` holding the whole history.
pub(crate) fn migrations(
    header: &Header,
    history_table: &str,
    plans: &[RevisionPlan],
    head: &Schema,
    hooks: &[Vec<HookPaths>],
    revision_dir: Option<&std::path::Path>,
    revision_files: &[std::path::PathBuf],
) -> TokenStream {
    let Header { attrs, vis, name } = header;
    let revision_dir = option(revision_dir.map(|d| {
        let dir = d.to_string_lossy();
        quote!(#dir)
    }));
    let revision_files = slice(
        quote!(&str),
        revision_files.iter().map(|f| {
            let file = f.to_string_lossy();
            quote!(#file)
        }),
    );
    let revisions = plans.iter().zip(hooks).map(|(p, h)| revision(p, h));
    let revisions = slice(quote!(::migrate_dsl::__private::Revision), revisions);
    let head_schema = slice(
        quote!(::migrate_dsl::__private::SchemaObject),
        render::schema_objects(head).iter().map(schema_object),
    );
    quote! {
        #(#attrs)*
        #vis static #name: ::migrate_dsl::Migrations =
            ::migrate_dsl::__private::Migrations::from_static(
                #revisions,
                #head_schema,
                #history_table,
                #revision_dir,
                #revision_files,
            );
    }
}

/// A `'static` slice: `{ const S: &[T] = &[…]; S }`.
fn slice(ty: TokenStream, items: impl Iterator<Item = TokenStream>) -> TokenStream {
    quote! {{
        const __SLICE: &[#ty] = &[#(#items),*];
        __SLICE
    }}
}

fn revision(plan: &RevisionPlan, hooks: &[HookPaths]) -> TokenStream {
    let id = &*plan.id;
    let checksum = &*plan.checksum;
    let digest = &*plan.digest;
    let schema_after = &*plan.schema_after;
    let steps = slice(
        quote!(::migrate_dsl::__private::Step),
        plan.steps.iter().map(step),
    );
    let down = match &plan.down {
        Down::Steps(steps) => {
            let steps = slice(
                quote!(::migrate_dsl::__private::Step),
                steps.iter().map(step),
            );
            quote!(::migrate_dsl::__private::Down::Steps(
                ::migrate_dsl::__private::Cow::Borrowed(#steps)
            ))
        }
        Down::Irreversible(why) => {
            let why = &**why;
            quote!(::migrate_dsl::__private::Down::Irreversible(
                ::migrate_dsl::__private::text(#why)
            ))
        }
    };
    let pg_hooks = slice(
        quote!(::migrate_dsl::__private::PgHookFn),
        hooks
            .iter()
            .filter_map(|h| Some(pg_hook(h.postgres.as_ref()?, h))),
    );
    let hooks = slice(
        quote!(::migrate_dsl::__private::HookFn),
        hooks.iter().map(|h| hook(&h.sqlite, h)),
    );
    let borrowed = |steps| quote!(::migrate_dsl::__private::Cow::Borrowed(#steps));
    let postgres = option(plan.postgres.as_deref().map(pg_steps).map(borrowed));
    let postgres_down = option(plan.postgres_down.as_deref().map(pg_steps).map(borrowed));
    // The checker's own struct, field by field: a field added to it is a
    // compile error here until it is written.
    let RevisionPlan {
        id: _,
        checksum: _,
        digest: _,
        steps: _,
        down: _,
        schema_after: _,
        postgres: _,
        postgres_down: _,
    } = plan;
    quote! {
        ::migrate_dsl::__private::Revision::from_static(
            ::migrate_dsl::__private::RevisionPlan {
                id: ::migrate_dsl::__private::text(#id),
                checksum: ::migrate_dsl::__private::text(#checksum),
                digest: ::migrate_dsl::__private::text(#digest),
                steps: ::migrate_dsl::__private::Cow::Borrowed(#steps),
                down: #down,
                schema_after: ::migrate_dsl::__private::text(#schema_after),
                postgres: #postgres,
                postgres_down: #postgres_down,
            },
            #hooks,
            #pg_hooks,
        )
    }
}

/// A revision's steps on PostgreSQL.
fn pg_steps(steps: &[PgStep]) -> TokenStream {
    slice(
        quote!(::migrate_dsl::__private::PgStep),
        steps.iter().map(|s| match s {
            PgStep::Execute(sql) => {
                let sql = &**sql;
                quote!(::migrate_dsl::__private::PgStep::Execute(
                    ::migrate_dsl::__private::text(#sql)
                ))
            }
            PgStep::Rows(sql) => {
                let sql = &**sql;
                quote!(::migrate_dsl::__private::PgStep::Rows(
                    ::migrate_dsl::__private::text(#sql)
                ))
            }
            PgStep::Hook(h) => {
                let call = hook_call(h);
                quote!(::migrate_dsl::__private::PgStep::Hook(#call))
            }
            PgStep::ConcurrentIndex {
                index,
                concurrently,
                plain,
            } => {
                let (index, concurrently, plain) = (&**index, &**concurrently, &**plain);
                quote!(::migrate_dsl::__private::PgStep::ConcurrentIndex {
                    index: ::migrate_dsl::__private::text(#index),
                    concurrently: ::migrate_dsl::__private::text(#concurrently),
                    plain: ::migrate_dsl::__private::text(#plain),
                })
            }
        }),
    )
}

fn step(step: &Step) -> TokenStream {
    match step {
        Step::Execute(st) => {
            let st = statement(st);
            quote!(::migrate_dsl::__private::Step::Execute(#st))
        }
        Step::Insert(st) => {
            let st = statement(st);
            quote!(::migrate_dsl::__private::Step::Insert(#st))
        }
        Step::Rebuild(r) => {
            let r = rebuild(r);
            quote!(::migrate_dsl::__private::Step::Rebuild(#r))
        }
        Step::AlterInPlace(a) => {
            let native = option(a.native.as_ref().map(native));
            let edit = option(a.edit.as_ref().map(|e| {
                let sql = &*e.sql;
                let probe = option(e.probe.as_ref().map(|p| {
                    let (sql, exists_sql) = (&*p.sql, &*p.exists_sql);
                    quote!(::migrate_dsl::__private::DefaultProbe {
                        sql: ::migrate_dsl::__private::text(#sql),
                        exists_sql: ::migrate_dsl::__private::text(#exists_sql),
                    })
                }));
                quote!(::migrate_dsl::__private::DefinitionEdit {
                    sql: ::migrate_dsl::__private::text(#sql),
                    probe: #probe,
                })
            }));
            let fallback = rebuild(&a.fallback);
            quote!(::migrate_dsl::__private::Step::AlterInPlace(
                ::migrate_dsl::__private::AlterInPlace {
                    native: #native,
                    edit: #edit,
                    fallback: #fallback,
                }
            ))
        }
        Step::RawSql(raw) => {
            let st = statement(&raw.statement);
            let creates = option(raw.creates.as_ref().map(|c| {
                let name = &*c.name;
                let columns = slice(
                    quote!(::migrate_dsl::__private::Text),
                    c.columns.iter().map(|n| {
                        let n = &**n;
                        quote!(::migrate_dsl::__private::text(#n))
                    }),
                );
                quote!(::migrate_dsl::__private::CreatedTable {
                    name: ::migrate_dsl::__private::text(#name),
                    columns: ::migrate_dsl::__private::Cow::Borrowed(#columns),
                })
            }));
            quote!(::migrate_dsl::__private::Step::RawSql(
                ::migrate_dsl::__private::RawStep { statement: #st, creates: #creates }
            ))
        }
        Step::Hook(h) => {
            let call = hook_call(h);
            quote!(::migrate_dsl::__private::Step::Hook(#call))
        }
    }
}

/// A `HookCall` in const context.
fn hook_call(h: &HookCall) -> TokenStream {
    let name = &*h.name;
    let index = h.index;
    let call = match &h.condition {
        None => quote!(new(#name, #index)),
        // `HookCall::when` / `HookCall::unless`, named as the DSL's keyword.
        Some(condition) => {
            let constructor = Ident::new(condition.keyword(), Span::call_site());
            let flag = &**condition.flag();
            quote!(#constructor(#name, #index, #flag))
        }
    };
    quote!(::migrate_dsl::__private::HookCall::#call)
}

/// `Some(x)` or `None` in the expansion.
fn option(x: Option<TokenStream>) -> TokenStream {
    match x {
        Some(x) => quote!(::core::option::Option::Some(#x)),
        None => quote!(::core::option::Option::None),
    }
}

/// The `ALTER TABLE` statements of an in-place change.
fn native(n: &NativeAlter) -> TokenStream {
    let needs = n.needs;
    let steps = slice(
        quote!(::migrate_dsl::__private::InPlaceStep),
        n.steps.iter().map(|s| match s {
            InPlaceStep::Execute(st) => {
                let st = statement(st);
                quote!(::migrate_dsl::__private::InPlaceStep::Execute(#st))
            }
            InPlaceStep::NotNull(c) => {
                let c = not_null_check(c);
                quote!(::migrate_dsl::__private::InPlaceStep::NotNull(#c))
            }
            InPlaceStep::Constraint(c) => {
                let c = constraint_check(c);
                quote!(::migrate_dsl::__private::InPlaceStep::Constraint(#c))
            }
        }),
    );
    quote!(::migrate_dsl::__private::NativeAlter {
        needs: #needs,
        steps: ::migrate_dsl::__private::Cow::Borrowed(#steps),
    })
}

fn statement(st: &Statement) -> TokenStream {
    let (op, table, sql) = (&*st.operation, &*st.table, &*st.sql);
    quote!(::migrate_dsl::__private::Statement {
        operation: ::migrate_dsl::__private::text(#op),
        table: ::migrate_dsl::__private::text(#table),
        sql: ::migrate_dsl::__private::text(#sql),
    })
}

/// One object of a schema, by field.
fn schema_object(o: &migrate_dsl_core::plan::SchemaObject) -> TokenStream {
    let (kind, name, sql) = (object_kind(o.kind), &*o.name, &*o.sql);
    quote!(::migrate_dsl::__private::SchemaObject {
        kind: #kind,
        name: ::migrate_dsl::__private::text(#name),
        sql: ::migrate_dsl::__private::text(#sql),
    })
}

fn not_null_check(c: &NotNullCheck) -> TokenStream {
    let (col, sql) = (&*c.column, &*c.count_sql);
    quote!(::migrate_dsl::__private::NotNullCheck {
        column: ::migrate_dsl::__private::text(#col),
        count_sql: ::migrate_dsl::__private::text(#sql),
    })
}

fn constraint_check(c: &ConstraintCheck) -> TokenStream {
    let columns = slice(
        quote!(::migrate_dsl::__private::Text),
        c.columns.iter().map(|n| {
            let n = &**n;
            quote!(::migrate_dsl::__private::text(#n))
        }),
    );
    let (constraint, sql) = (&*c.constraint, &*c.count_sql);
    quote!(::migrate_dsl::__private::ConstraintCheck {
        constraint: ::migrate_dsl::__private::text(#constraint),
        columns: ::migrate_dsl::__private::Cow::Borrowed(#columns),
        count_sql: ::migrate_dsl::__private::text(#sql),
    })
}

fn rebuild(r: &Rebuild) -> TokenStream {
    let (op, table, temp, create, copy) = (
        &*r.operation,
        &*r.table,
        &*r.temp_table,
        &*r.create_sql,
        &*r.copy_sql,
    );
    let checks = slice(
        quote!(::migrate_dsl::__private::NotNullCheck),
        r.not_null_checks.iter().map(not_null_check),
    );
    let constraint_checks = slice(
        quote!(::migrate_dsl::__private::ConstraintCheck),
        r.constraint_checks.iter().map(constraint_check),
    );
    let renames = slice(
        quote!(::migrate_dsl::__private::Text),
        r.renames.iter().map(|n| {
            let n = &**n;
            quote!(::migrate_dsl::__private::text(#n))
        }),
    );
    let expected = slice(
        quote!(::migrate_dsl::__private::SchemaObject),
        r.expected_objects.iter().map(schema_object),
    );
    let recreate = slice(
        quote!(::migrate_dsl::__private::Statement),
        r.recreate.iter().map(statement),
    );
    let restore_sequence = r.restore_sequence;
    // A struct literal: a field added to `Rebuild` is one line here.
    quote! {
        ::migrate_dsl::__private::Rebuild {
            operation: ::migrate_dsl::__private::Cow::Borrowed(#op),
            table: ::migrate_dsl::__private::Cow::Borrowed(#table),
            temp_table: ::migrate_dsl::__private::Cow::Borrowed(#temp),
            renames: ::migrate_dsl::__private::Cow::Borrowed(#renames),
            create_sql: ::migrate_dsl::__private::Cow::Borrowed(#create),
            copy_sql: ::migrate_dsl::__private::Cow::Borrowed(#copy),
            not_null_checks: ::migrate_dsl::__private::Cow::Borrowed(#checks),
            constraint_checks: ::migrate_dsl::__private::Cow::Borrowed(#constraint_checks),
            expected_objects: ::migrate_dsl::__private::Cow::Borrowed(#expected),
            recreate: ::migrate_dsl::__private::Cow::Borrowed(#recreate),
            restore_sequence: #restore_sequence,
        }
    }
}

/// An object kind as a path.
fn object_kind(kind: migrate_dsl_core::plan::ObjectKind) -> TokenStream {
    use migrate_dsl_core::plan::ObjectKind;
    match kind {
        ObjectKind::Table => quote!(::migrate_dsl::__private::ObjectKind::Table),
        ObjectKind::Index => quote!(::migrate_dsl::__private::ObjectKind::Index),
        ObjectKind::View => quote!(::migrate_dsl::__private::ObjectKind::View),
        ObjectKind::Trigger => quote!(::migrate_dsl::__private::ObjectKind::Trigger),
    }
}

/// `expr`, naming a hook's function, as written where the hook is. A path
/// read from a revision file can only be spanned at the directory's name,
/// so its expression is the expansion of a local macro named after the
/// file and line (`revision_file_0002_backfill_mig_line_3`): the
/// compiler's errors about the function (no such function, wrong
/// signature) end with "this error originates in the macro `…`", which
/// says where the hook is written.
fn written_at(hook: &HookPaths, span: Span, expr: TokenStream) -> TokenStream {
    let Some((file, line)) = &hook.written_at else {
        return expr;
    };
    let mut name = String::from("revision_file_");
    name.extend(
        file.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    name.push_str(&format!("_line_{line}"));
    let name = Ident::new(&name, span);
    quote_spanned! {span=>
        {
            macro_rules! #name { () => { #expr } }
            #name!()
        }
    }
}

/// A PostgreSQL hook as a `fn` pointer, made by a macro of the runtime:
/// without its `postgres` feature, that macro is the error saying so.
fn pg_hook(path: &syn::Path, hook: &HookPaths) -> TokenStream {
    let expr = quote_spanned! {path.span()=>
        ::migrate_dsl::__private::pg_hook!(#path)
    };
    written_at(hook, path.span(), expr)
}

/// A hook as a `fn` pointer. The user's function is passed to `call_hook`
/// with its own span, so a wrong signature is reported on the hook's path.
fn hook(path: &syn::Path, hook: &HookPaths) -> TokenStream {
    let call = quote_spanned! {path.span()=>
        ::migrate_dsl::__private::call_hook(#path, conn, cx)
    };
    // Defined in the function's body, the local macro's `conn` and `cx`
    // are its parameters.
    let call = written_at(hook, path.span(), call);
    quote! {{
        fn __migrate_hook(
            conn: &::migrate_dsl::rusqlite::Connection,
            cx: &::migrate_dsl::HookContext<'_>,
        ) -> ::core::result::Result<(), ::migrate_dsl::BoxError> {
            #call
        }
        __migrate_hook as ::migrate_dsl::__private::HookFn
    }}
}
