#include "simulator/targets/template_expander.hpp"

#include <algorithm>
#include <utility>

namespace bootstorm::targets {
namespace {

using Scopes = std::vector<const TemplateScope*>;  // innermost last

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

std::size_t count_lines(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Mustache's standalone rule: a section, closing or comment tag alone on its line (blanks
// around it) removes that whole line, so that a template's control lines leave no blank lines
// in the output. `tag` is where "{{" starts, `pos` just after "}}"; `nodes` ends with the
// literal text before the tag.
void drop_standalone_line(std::string_view text, std::size_t tag, std::size_t& pos,
                          std::size_t& line, std::vector<TemplateNode>& nodes) {
    const std::size_t newline_before = text.rfind('\n', tag == 0 ? 0 : tag - 1);
    const std::size_t line_start =
        (tag == 0 || newline_before == std::string_view::npos) ? 0 : newline_before + 1;
    const std::size_t newline_after = text.find('\n', pos);
    const std::size_t line_end =
        newline_after == std::string_view::npos ? text.size() : newline_after;
    if (!blank(text.substr(line_start, tag - line_start)) ||
        !blank(text.substr(pos, line_end - pos))) {
        return;
    }
    const std::size_t indent = tag - line_start;
    if (indent > 0) {
        std::string& before = nodes.back().text;  // the literal holding the indentation
        before.resize(before.size() - indent);
        if (before.empty()) nodes.pop_back();
    }
    if (newline_after == std::string_view::npos) {
        pos = text.size();
    } else {
        pos = newline_after + 1;
        ++line;
    }
}

// Parses `text` from `pos` until the end or the closing tag of `open` (a section name, empty at
// the top level). Advances pos and line.
std::vector<TemplateNode> parse_nodes(std::string_view text, std::size_t& pos, std::size_t& line,
                                      const TemplateNode* open) {
    std::vector<TemplateNode> nodes;
    while (pos < text.size()) {
        const std::size_t tag = text.find("{{", pos);
        const std::size_t literal_end = tag == std::string_view::npos ? text.size() : tag;
        if (literal_end > pos) {
            const std::string_view literal = text.substr(pos, literal_end - pos);
            nodes.push_back({TemplateNode::Kind::text, std::string(literal), line, {}});
            line += count_lines(literal);
            pos = literal_end;
        }
        if (tag == std::string_view::npos) break;
        const std::size_t close = text.find("}}", tag + 2);
        if (close == std::string_view::npos) throw TemplateError(line, "'{{' without '}}'");
        const std::string_view body = text.substr(tag + 2, close - tag - 2);
        const std::size_t tag_line = line;
        line += count_lines(body);
        pos = close + 2;
        const char sigil = body.empty() ? '\0' : body.front();
        const bool has_sigil = sigil == '#' || sigil == '^' || sigil == '/';
        if (has_sigil || sigil == '!') drop_standalone_line(text, tag, pos, line, nodes);
        if (sigil == '!') continue;
        const std::string name = trim(has_sigil ? body.substr(1) : body);
        if (name.empty()) throw TemplateError(tag_line, "empty name in '{{}}'");
        if (name.find_first_of("{}") != std::string::npos) {
            throw TemplateError(tag_line, "'{{' inside a tag");
        }
        if (sigil == '/') {
            if (open == nullptr) {
                throw TemplateError(tag_line, "'{{/" + name + "}}' closes no section");
            }
            if (name != open->text) {
                throw TemplateError(tag_line, "'{{/" + name + "}}' closes section '" + open->text +
                                                  "' (opened on line " +
                                                  std::to_string(open->line) + ")");
            }
            return nodes;
        }
        if (sigil == '#' || sigil == '^') {
            TemplateNode section{
                sigil == '#' ? TemplateNode::Kind::section : TemplateNode::Kind::inverted,
                name,
                tag_line,
                {}};
            section.children = parse_nodes(text, pos, line, &section);
            nodes.push_back(std::move(section));
            continue;
        }
        nodes.push_back({TemplateNode::Kind::variable, name, tag_line, {}});
    }
    if (open != nullptr) {
        throw TemplateError(open->line, "section '" + open->text + "' is never closed");
    }
    return nodes;
}

const TemplateValue& lookup(const Scopes& scopes, const TemplateNode& node) {
    for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope) {
        const auto it = (*scope)->values.find(node.text);
        if (it != (*scope)->values.end()) return it->second;
    }
    throw TemplateError(node.line, "unknown name '" + node.text + "'");
}

std::string as_text(const TemplateValue& value, const TemplateNode& node) {
    switch (value.kind) {
        case TemplateValue::Kind::text:
            return value.text;
        case TemplateValue::Kind::flag:
            return value.flag ? "true" : "false";
        case TemplateValue::Kind::list:
            break;
    }
    throw TemplateError(node.line, "'" + node.text + "' is a list: use {{#" + node.text + "}}");
}

void expand_nodes(const std::vector<TemplateNode>& nodes, Scopes& scopes, std::string& out) {
    for (const TemplateNode& node : nodes) {
        switch (node.kind) {
            case TemplateNode::Kind::text:
                out += node.text;
                break;
            case TemplateNode::Kind::variable:
                out += as_text(lookup(scopes, node), node);
                break;
            case TemplateNode::Kind::section: {
                const TemplateValue& value = lookup(scopes, node);
                if (value.kind == TemplateValue::Kind::list) {
                    for (const TemplateScope& item : value.items) {
                        scopes.push_back(&item);
                        expand_nodes(node.children, scopes, out);
                        scopes.pop_back();
                    }
                } else if (value.truthy()) {
                    expand_nodes(node.children, scopes, out);
                }
                break;
            }
            case TemplateNode::Kind::inverted:
                if (!lookup(scopes, node).truthy()) expand_nodes(node.children, scopes, out);
                break;
        }
    }
}

void check_nodes(const std::vector<TemplateNode>& nodes, Scopes& scopes) {
    for (const TemplateNode& node : nodes) {
        if (node.kind == TemplateNode::Kind::text) continue;
        const TemplateValue& value = lookup(scopes, node);
        if (node.kind == TemplateNode::Kind::variable) {
            as_text(value, node);
            continue;
        }
        if (value.kind == TemplateValue::Kind::list && !value.items.empty()) {
            scopes.push_back(&value.items.front());
            check_nodes(node.children, scopes);
            scopes.pop_back();
        } else {
            check_nodes(node.children, scopes);
        }
    }
}

}  // namespace

TemplateValue TemplateValue::of_text(std::string value) {
    TemplateValue result;
    result.kind = Kind::text;
    result.text = std::move(value);
    return result;
}

TemplateValue TemplateValue::of_flag(bool value) {
    TemplateValue result;
    result.kind = Kind::flag;
    result.flag = value;
    return result;
}

TemplateValue TemplateValue::of_list(std::vector<TemplateScope> value) {
    TemplateValue result;
    result.kind = Kind::list;
    result.items = std::move(value);
    return result;
}

bool TemplateValue::truthy() const {
    switch (kind) {
        case Kind::text:
            return !text.empty();
        case Kind::flag:
            return flag;
        case Kind::list:
            return !items.empty();
    }
    return false;
}

TemplateScope& TemplateScope::set(const std::string& name, TemplateValue value) {
    values.insert_or_assign(name, std::move(value));
    return *this;
}

TemplateScope& TemplateScope::set(const std::string& name, std::string text) {
    return set(name, TemplateValue::of_text(std::move(text)));
}

Template::Template(std::string_view text) {
    std::size_t pos = 0;
    std::size_t line = 1;
    nodes_ = parse_nodes(text, pos, line, nullptr);
}

std::string Template::expand(const TemplateScope& root) const {
    Scopes scopes{&root};
    std::string out;
    expand_nodes(nodes_, scopes, out);
    return out;
}

void Template::check(const TemplateScope& sample) const {
    Scopes scopes{&sample};
    check_nodes(nodes_, scopes);
}

}  // namespace bootstorm::targets
