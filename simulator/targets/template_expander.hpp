// A small Mustache subset for the targets' config files and command lines
// (scenarios/targets/*.yaml; the format is in docs/targets.md):
//
//   {{name}}              the value of `name` (dotted names such as program.kea are plain keys)
//   {{#list}}…{{/list}}   the body once per item of a list, with the item's keys in scope first
//   {{#flag}}…{{/flag}}   the body when `flag` is true or non-empty text
//   {{^name}}…{{/name}}   the body when `name` is false, empty text or an empty list
//   {{! comment }}        nothing
//
// No HTML escaping (the output is config files, not HTML), no partials, no lambdas. A name that
// is not in scope is an error, not an empty string, so a typo in a target description fails when
// the catalogue is loaded (check_template) rather than producing a config that silently lacks it.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bootstorm::targets {

struct TemplateScope;

// Text, a flag, or a list of scopes.
struct TemplateValue {
    enum class Kind { text, flag, list };
    Kind kind = Kind::text;
    std::string text;
    bool flag = false;
    std::vector<TemplateScope> items;

    static TemplateValue of_text(std::string value);
    static TemplateValue of_flag(bool value);
    static TemplateValue of_list(std::vector<TemplateScope> value);
    // What a section tests: true, non-empty text, a non-empty list.
    bool truthy() const;
};

struct TemplateScope {
    std::map<std::string, TemplateValue, std::less<>> values;

    TemplateScope& set(const std::string& name, TemplateValue value);
    TemplateScope& set(const std::string& name, std::string text);
};

// A template problem; `line` is 1-based within the template text.
class TemplateError : public std::runtime_error {
public:
    TemplateError(std::size_t line, const std::string& message)
        : std::runtime_error(message), line_(line) {}
    std::size_t line() const { return line_; }

private:
    std::size_t line_;
};

struct TemplateNode {
    enum class Kind { text, variable, section, inverted };
    Kind kind = Kind::text;
    std::string text;  // literal text, or the name
    std::size_t line = 1;
    std::vector<TemplateNode> children;  // sections only
};

class Template {
public:
    // Throws TemplateError for an unclosed tag or section, a mismatched {{/name}}, an empty name.
    explicit Template(std::string_view text);

    // Throws TemplateError for a name not in scope or a list used as text.
    std::string expand(const TemplateScope& root) const;
    // Checks every name of every branch against `sample` (lists are entered with their first
    // item, so a sample needs one item per list). Throws TemplateError at the first problem.
    void check(const TemplateScope& sample) const;

private:
    std::vector<TemplateNode> nodes_;
};

}  // namespace bootstorm::targets
