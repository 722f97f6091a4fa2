//! Schemas the OpenAPI document needs beyond what the types derive.

use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr};

/// An input field that takes a value of the named schema, or blank or `null` for none: forms send
/// an option nobody chose as blank, and the API reads it the same way.
pub fn or_blank(name: &str) -> RefOr<Schema> {
    let one_of = OneOfBuilder::new()
        .item(Ref::from_schema_name(name))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^\s*$")),
        )
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build();
    Schema::OneOf(one_of).into()
}

pub fn project_id_or_blank() -> RefOr<Schema> {
    or_blank("ProjectId")
}

pub fn trigger_or_blank() -> RefOr<Schema> {
    or_blank("Trigger")
}

pub fn vertical_or_blank() -> RefOr<Schema> {
    or_blank("Vertical")
}
